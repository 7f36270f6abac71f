package dev.heed.plugin.tribuo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.evaluation.LabelEvaluation;
import org.tribuo.classification.evaluation.LabelEvaluator;

class AttentionClassificationTrainerTest {

    @Test
    void learnsWhetherABeforeB() {
        MutableDataset<Label> train = SyntheticData.aBeforeB(400, 6, 1);
        MutableDataset<Label> test = SyntheticData.aBeforeB(200, 6, 2);
        AttentionClassificationTrainer trainer = new AttentionClassificationTrainer();
        Model<Label> model = trainer.train(train);
        LabelEvaluation eval = new LabelEvaluator().evaluate(model, test);
        assertTrue(eval.accuracy() >= 0.95, eval.toString());
        assertEquals(1, trainer.getInvocationCount());
    }
}
