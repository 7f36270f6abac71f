package dev.heed.plugin.tribuo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oracle.labs.mlrg.olcut.provenance.ObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.heed.core.io.CheckpointFormatException;
import dev.heed.testkit.arch.HeedArchitecture;
import dev.heed.testkit.arch.PluginRules;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.evaluation.LabelEvaluation;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.classification.sequence.LabelSequenceEvaluation;
import org.tribuo.classification.sequence.LabelSequenceEvaluator;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.ModelProvenance;
import org.tribuo.sequence.MutableSequenceDataset;
import org.tribuo.sequence.SequenceModel;

/**
 * Trains one classifier and one tagger on synthetic Tribuo datasets (shared by the tests, to keep
 * the suite fast) and checks accuracy, provenance, reproducibility, persistence and refusals.
 */
class TribuoPluginTest {

    private static MutableDataset<Label> clsTrain;
    private static MutableDataset<Label> clsTest;
    private static AttentionClassificationModel classifier;
    private static MutableSequenceDataset<Label> tagTrain;
    private static MutableSequenceDataset<Label> tagTest;
    private static AttentionSequenceModel tagger;

    @BeforeAll
    static void train() {
        clsTrain = SyntheticData.aBeforeB(400, 6, 1);
        clsTest = SyntheticData.aBeforeB(200, 6, 2);
        classifier = (AttentionClassificationModel) new AttentionClassificationTrainer().train(clsTrain);
        tagTrain = SyntheticData.afterX(200, 3, 8, 3);
        tagTest = SyntheticData.afterX(100, 3, 8, 4);
        tagger = (AttentionSequenceModel) new AttentionSequenceTrainer().train(tagTrain);
    }

    @Test
    void classifierLearnsWhetherABeforeB() {
        LabelEvaluation eval = new LabelEvaluator().evaluate(classifier, clsTest);
        assertTrue(eval.accuracy() >= 0.95, eval.toString());
    }

    @Test
    void taggerLearnsTheNeighbourRule() {
        LabelSequenceEvaluation eval = new LabelSequenceEvaluator().evaluate(tagger, tagTest);
        assertTrue(eval.accuracy() >= 0.95, eval.toString());
    }

    @Test
    void predictionsCarryAProbabilityForEveryLabel() {
        Prediction<Label> p = classifier.predict(clsTest.getExample(0));
        assertTrue(p.hasProbabilities());
        Map<String, Label> scores = p.getOutputScores();
        assertEquals(2, scores.size());
        double sum = scores.values().stream().mapToDouble(Label::getScore).sum();
        assertEquals(1.0, sum, 1e-6);
        double best = scores.values().stream().mapToDouble(Label::getScore).max().orElseThrow();
        assertEquals(best, p.getOutput().getScore(), 0);
        // six t<k>= features, all known
        assertEquals(6, p.getNumActiveFeatures());

        List<Prediction<Label>> tags = tagger.predict(tagTest.getExample(0));
        assertEquals(tagTest.getExample(0).size(), tags.size());
    }

    @Test
    void provenanceRecordsTheConfigAndRoundTripsThroughJson() {
        ModelProvenance prov = classifier.getProvenance();
        assertEquals("scaled-dot", prov.getTrainerProvenance().getConfiguredParameters().get("similarity").toString());
        assertEquals("sinusoidal", prov.getTrainerProvenance().getConfiguredParameters().get("positional").toString());
        assertEquals(prov, ProvenanceUtil.unmarshalProvenance(ProvenanceUtil.marshalProvenance(prov)));
        String json = TribuoProvenanceJson.toJson(prov);
        assertEquals(prov, TribuoProvenanceJson.fromJson(json));
        ObjectProvenance tagProv = tagger.getProvenance();
        assertEquals(tagProv, TribuoProvenanceJson.fromJson(TribuoProvenanceJson.toJson(tagProv)));
    }

    @Test
    void provenanceJsonRefusesClassesOutsideTribuoAndOlcut() {
        String json = TribuoProvenanceJson.toJson(classifier.getProvenance())
                .replace("\"org.tribuo.provenance.ModelProvenance\"", "\"com.example.Evil\"");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TribuoProvenanceJson.fromJson(json));
        assertTrue(e.getMessage().contains("com.example.Evil"), e.getMessage());
    }

    private static MutableDataset<Label> small(long seed) {
        return SyntheticData.aBeforeB(40, 5, seed);
    }

    private static AttentionClassificationTrainer quick(long seed) {
        return new AttentionClassificationTrainer("scaled-dot", "sinusoidal", 2, 1, 16, 2, 3e-3, seed, 8, 16);
    }

    private static List<Prediction<Label>> predictions(Model<Label> m, MutableDataset<Label> d) {
        return m.predict(d);
    }

    private static void assertSamePredictions(List<Prediction<Label>> a, List<Prediction<Label>> b) {
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertTrue(a.get(i).distributionEquals(b.get(i), 0.0), a.get(i) + " vs " + b.get(i));
        }
    }

    @Test
    void sameSeedAndInvocationCountGiveTheSameModel() {
        MutableDataset<Label> d = small(5);
        AttentionClassificationTrainer t1 = quick(42);
        Model<Label> first = t1.train(d);
        Model<Label> second = t1.train(d);
        assertEquals(2, t1.getInvocationCount());
        List<Prediction<Label>> p1 = predictions(first, d);
        // A fresh trainer with the same seed reproduces call 0 ...
        assertSamePredictions(p1, predictions(quick(42).train(d), d));
        // ... and setting the count back reproduces it on the same trainer.
        t1.setInvocationCount(0);
        assertSamePredictions(p1, predictions(t1.train(d), d));
        // The explicit-count overload reproduces call 1.
        assertSamePredictions(predictions(second, d), predictions(quick(42).train(d, Map.of(), 1), d));
        // A different call number or seed gives a different model.
        assertNotEquals(p1.get(0).getOutputScores().get("before").getScore(),
                predictions(second, d).get(0).getOutputScores().get("before").getScore());
        assertNotEquals(p1.get(0).getOutputScores().get("before").getScore(),
                predictions(quick(43).train(d), d).get(0).getOutputScores().get("before").getScore());
        assertThrows(IllegalArgumentException.class, () -> t1.setInvocationCount(-1));
    }

    @Test
    void saveAndLoadGiveIdenticalPredictionsAndProvenance(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("classifier.safetensors");
        classifier.save(f);
        AttentionClassificationModel back = AttentionClassificationModel.load(f);
        assertSamePredictions(classifier.predict(clsTest), back.predict(clsTest));
        assertEquals(classifier.getProvenance(), back.getProvenance());
        assertEquals(classifier.getOutputIDInfo().getDomain(), back.getOutputIDInfo().getDomain());
        assertEquals(classifier.getFeatureIDMap().size(), back.getFeatureIDMap().size());

        Path g = dir.resolve("tagger.safetensors");
        tagger.save(g);
        AttentionSequenceModel tagBack = AttentionSequenceModel.load(g);
        List<List<Prediction<Label>>> a = tagger.predict(tagTest);
        List<List<Prediction<Label>>> b = tagBack.predict(tagTest);
        for (int i = 0; i < a.size(); i++) {
            assertSamePredictions(a.get(i), b.get(i));
        }
        assertEquals(tagger.getProvenance(), tagBack.getProvenance());

        CheckpointFormatException wrongKind = assertThrows(CheckpointFormatException.class,
                () -> AttentionSequenceModel.load(f));
        assertTrue(wrongKind.getMessage().contains("classification"), wrongKind.getMessage());
    }

    @Test
    void loadingAFileWithoutTheModelDescriptionIsAClearError(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("plain.safetensors");
        dev.heed.core.io.SafeTensors.write(f, Map.of(), Map.of());
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                () -> AttentionClassificationModel.load(f));
        assertTrue(e.getMessage().contains("heed.tribuo.format"), e.getMessage());
        assertTrue(Files.exists(f));
    }

    @Test
    void javaSerializationIsRefusedWithAPointerToSave() {
        for (Object m : List.of(classifier, tagger)) {
            NotSerializableException e = assertThrows(NotSerializableException.class,
                    () -> new ObjectOutputStream(new ByteArrayOutputStream()).writeObject(m));
            assertTrue(e.getMessage().contains("save(Path)"), e.getMessage());
        }
        assertThrows(UnsupportedOperationException.class, classifier::serialize);
        assertThrows(UnsupportedOperationException.class, tagger::serialize);
    }

    @Test
    void copiesPredictIdentically() {
        Model<Label> copy = classifier.copy();
        assertSamePredictions(classifier.predict(clsTest), copy.predict(clsTest));
        assertEquals(classifier.getProvenance(), copy.getProvenance());
    }

    @Test
    void theInvocationCountIsRecordedInTheProvenance() {
        MutableDataset<Label> d = small(6);
        AttentionClassificationTrainer t = quick(1);
        t.train(d);
        Model<Label> second = t.train(d);
        assertEquals("1", second.getProvenance().getTrainerProvenance().getInstanceValues()
                .get("train-invocation-count").toString());
    }

    @Test
    void aSequenceLongerThanMaxLengthIsAClearError() {
        Model<Label> m = quick(1).train(small(7));   // maxLength 16
        String[] tokens = new String[20];
        java.util.Arrays.fill(tokens, "c");
        tokens[0] = "a";
        tokens[1] = "b";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> m.predict(SyntheticData.example(tokens, "before")));
        assertTrue(e.getMessage().contains("20 positions") && e.getMessage().contains("maxLength = 16"), e.getMessage());
    }

    @Test
    void anExampleWithNoKnownFeatureIsAClearError() {
        Example<Label> unknown = new ArrayExample<>(new Label("before"), new String[] {"t0=zzz", "t1=qqq"},
                new double[] {1, 1});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> classifier.predict(unknown));
        assertTrue(e.getMessage().contains("No features found"), e.getMessage());
        // Unknown features are ignored when some are known.
        Example<Label> partly = new ArrayExample<>(new Label("before"), new String[] {"t0=a", "t1=zzz", "t2=b"},
                new double[] {1, 1, 1});
        assertEquals(2, classifier.predict(partly).getNumActiveFeatures());
        // Known tokens at positions never seen in training (the training sequences had 6) are used.
        Example<Label> longer = SyntheticData.example(new String[] {"c", "d", "e", "c", "d", "e", "c", "b", "a"},
                "after");
        assertEquals(9, classifier.predict(longer).getNumActiveFeatures());
    }

    @Test
    void badHyperparametersNameTheFieldTheValueAndTheChoices() {
        IllegalArgumentException sim = assertThrows(IllegalArgumentException.class,
                () -> new AttentionClassificationTrainer().setSimilarity("dott"));
        assertTrue(sim.getMessage().contains("similarity = 'dott'") && sim.getMessage().contains("scaled-dot")
                && sim.getMessage().contains("cosine"), sim.getMessage());
        IllegalArgumentException pos = assertThrows(IllegalArgumentException.class,
                () -> new AttentionClassificationTrainer().setPositional("rotary"));
        assertTrue(pos.getMessage().contains("positional = 'rotary'") && pos.getMessage().contains("sinusoidal")
                && pos.getMessage().contains("relative-bias"), pos.getMessage());
        IllegalArgumentException width = assertThrows(IllegalArgumentException.class,
                () -> new AttentionSequenceTrainer("dot", "none", 3, 1, 16, 1, 1e-3, 1, 4, 8));
        assertTrue(width.getMessage().contains("width = 16") && width.getMessage().contains("heads = 3"),
                width.getMessage());
        IllegalArgumentException lr = assertThrows(IllegalArgumentException.class,
                () -> new AttentionSequenceTrainer("dot", "none", 2, 1, 16, 1, 0, 1, 4, 8));
        assertTrue(lr.getMessage().contains("learningRate = 0.0"), lr.getMessage());
        IllegalArgumentException epochs = assertThrows(IllegalArgumentException.class,
                () -> new AttentionClassificationTrainer().setEpochs(0));
        assertTrue(epochs.getMessage().contains("epochs = 0"), epochs.getMessage());
        // A failed setter leaves the trainer as it was.
        AttentionClassificationTrainer t = new AttentionClassificationTrainer();
        assertThrows(IllegalArgumentException.class, () -> t.setSimilarity("nope"));
        assertEquals("scaled-dot", t.getProvenance().getConfiguredParameters().get("similarity").toString());
    }

    @Test
    void aDatasetWithOneLabelIsRefused() {
        MutableDataset<Label> d = new MutableDataset<>(clsTrain.getProvenance(), clsTrain.getOutputFactory());
        List<Example<Label>> same = new ArrayList<>();
        same.add(SyntheticData.example(new String[] {"a", "b"}, "before"));
        d.addAll(same);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new AttentionClassificationTrainer().train(d));
        assertTrue(e.getMessage().contains("at least 2"), e.getMessage());
    }

    @Test
    void followsHeedsArchitectureRules() {
        JavaClasses mine = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.heed.plugin.tribuo");
        HeedArchitecture.checkAll(HeedArchitecture.all(), mine);
        HeedArchitecture.checkAll(PluginRules.all("dev.heed.plugin.tribuo.."), mine);
    }
}
