package dev.heed.rl.env.wrappers;

import dev.heed.rl.env.Box;
import dev.heed.rl.env.Env;
import dev.heed.rl.env.Space;
import dev.heed.rl.env.Step;
import java.util.ArrayList;
import java.util.List;

/** Test env: observations and rewards from a script; records the actions it receives. */
final class ScriptedEnv implements Env {
    final double[][] observations;
    final double[] rewards;
    final int episodeLength;
    final Space actionSpace;
    final List<double[]> received = new ArrayList<>();
    int t;
    int k;

    ScriptedEnv(double[][] observations, double[] rewards, int episodeLength, Space actionSpace) {
        this.observations = observations;
        this.rewards = rewards;
        this.episodeLength = episodeLength;
        this.actionSpace = actionSpace;
    }

    @Override
    public String id() {
        return "Scripted";
    }

    @Override
    public Space observationSpace() {
        return Box.uniform(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, observations[0].length);
    }

    @Override
    public Space actionSpace() {
        return actionSpace;
    }

    @Override
    public double[] reset(long seed) {
        return reset();
    }

    @Override
    public double[] reset() {
        t = 0;
        return observations[k++ % observations.length].clone();
    }

    @Override
    public Step step(double[] action) {
        received.add(action.clone());
        double r = rewards[t % rewards.length];
        t++;
        return new Step(observations[k++ % observations.length].clone(), r, t >= episodeLength, false);
    }
}
