package dev.heed.rl.env;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.heed.core.Rng;
import dev.heed.rl.env.wrappers.RescaleAction;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class EnvCheckerTest {

    /** A small correct env: a counter that terminates after 5 steps; subclasses break one rule each. */
    static class Counter implements Env {
        Rng rng = Rng.seeded(0);
        double[] obs = new double[1];
        int t = -1;
        boolean done;

        @Override
        public String id() {
            return "Counter";
        }

        @Override
        public Space observationSpace() {
            return Box.of(new double[] {0}, new double[] {10});
        }

        @Override
        public Space actionSpace() {
            return new Discrete(2);
        }

        @Override
        public double[] reset(long seed) {
            rng = Rng.seeded(seed);
            return reset();
        }

        @Override
        public double[] reset() {
            t = 0;
            done = false;
            return new double[] {rng.nextDouble()};
        }

        double[] observe() {
            return new double[] {t};
        }

        @Override
        public Step step(double[] action) {
            if (t < 0 || done) {
                throw new IllegalStateException("call reset()");
            }
            if (!actionSpace().contains(action)) {
                throw new IllegalArgumentException("bad action");
            }
            t++;
            done = t >= 5;
            return new Step(observe(), 1.0, done, false);
        }
    }

    private static List<String> errors(Supplier<Env> f) {
        return EnvChecker.check(f).stream().filter(x -> x.severity() == EnvChecker.Severity.ERROR)
                .map(EnvChecker.Finding::check).collect(Collectors.toList());
    }

    @Test
    void aCorrectEnvHasNoFindings() {
        assertEquals(List.of(), EnvChecker.check(Counter::new));
    }

    @Test
    void observationOutsideTheSpace() {
        assertEquals(List.of("observation-in-space"), errors(() -> new Counter() {
            @Override
            public Space observationSpace() {
                return Box.of(new double[] {0}, new double[] {3});
            }
        }));
    }

    @Test
    void wrongShapeAndNaN() {
        assertEquals(List.of("observation-shape"), errors(() -> new Counter() {
            @Override
            double[] observe() {
                return new double[] {t, t};
            }
        }));
        assertEquals(List.of("observation-finite"), errors(() -> new Counter() {
            @Override
            double[] observe() {
                return new double[] {t == 3 ? Double.NaN : t};
            }
        }));
    }

    @Test
    void nonDeterministicReset() {
        List<String> e = errors(() -> new Counter() {
            @Override
            public double[] reset(long seed) {
                return reset(); // ignores the seed
            }
        });
        assertEquals(List.of("reset-deterministic"), e);
    }

    @Test
    void stepAfterDoneAndBeforeResetAccepted() {
        List<String> e = errors(() -> new Counter() {
            @Override
            public Step step(double[] action) {
                if (!actionSpace().contains(action)) {
                    throw new IllegalArgumentException("bad action");
                }
                t++;
                return new Step(new double[] {Math.min(t, 10)}, 1.0, t >= 5, false);
            }
        });
        assertEquals(List.of("step-before-reset", "step-after-done"), e);
    }

    @Test
    void invalidActionAcceptedAndActionMutated() {
        List<String> e = errors(() -> new Counter() {
            @Override
            public Step step(double[] action) {
                if (done) {
                    throw new IllegalStateException("call reset()");
                }
                if (action.length > 0) {
                    action[0] = 0;
                }
                t++;
                done = t >= 5;
                return new Step(observe(), 1.0, done, false);
            }
        });
        assertTrue(e.contains("action-in-space") && e.contains("action-not-modified"), e.toString());
    }

    @Test
    void reusedObservationArray() {
        assertEquals(List.of("observation-not-reused"), errors(() -> new Counter() {
            @Override
            double[] observe() {
                obs[0] = t;
                return obs;
            }
        }));
    }

    @Test
    void endlessEpisodesAndUnscaledActionsAreWarnings() {
        List<EnvChecker.Finding> f = EnvChecker.check(Envs.makeUnlimited("Pendulum-v1"), 300);
        assertEquals(List.of("action-space-scale", "episode-ends"),
                f.stream().map(EnvChecker.Finding::check).collect(Collectors.toList()));
        assertTrue(f.stream().allMatch(x -> x.severity() == EnvChecker.Severity.WARNING));
        assertTrue(f.get(0).message().contains("RescaleAction"));
        assertEquals(List.of(), EnvChecker.check(new RescaleAction(Envs.make("Pendulum-v1"))));
    }
}
