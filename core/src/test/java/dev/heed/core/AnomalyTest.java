package dev.heed.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class AnomalyTest {

    private static Tensor leaf(double... v) {
        return Tensor.of(v, v.length).requiresGrad(true);
    }

    private static NonFiniteException fails(Runnable r) {
        return assertThrows(NonFiniteException.class, r::run);
    }

    @Test
    void forwardLogOfZeroTimesZeroNamesLog() {
        Tensor x = leaf(1.0, 0.0);
        NonFiniteException e;
        try (Anomaly ignored = Anomaly.detect()) {
            e = fails(() -> x.log().mul(Tensor.zeros(DType.FLOAT64, 2)));
        }
        assertEquals(NonFiniteException.Phase.FORWARD, e.phase());
        assertEquals("log", e.source());
        // log(0) = -inf at index 1 of a [2] output; the input was finite.
        assertTrue(e.getMessage().startsWith("anomaly detected in forward: 'log' produced -Infinity at [1] of its"
                + " output [2] FLOAT64. Input 0 [2] FLOAT64 is finite."), e.getMessage());
        // The creation site is this test, not the tensor engine.
        assertTrue(e.getMessage().contains("The op was created at dev.heed.core.AnomalyTest"), e.getMessage());
    }

    @Test
    void forwardSqrtOfMinusOneNamesSqrt() {
        Tensor x = leaf(4.0, -1.0, 9.0).mul(1.0);
        try (Anomaly ignored = Anomaly.detect()) {
            NonFiniteException e = fails(x::sqrt);
            assertEquals("sqrt", e.source());
            assertTrue(e.getMessage().contains("'sqrt' produced NaN at [1]"), e.getMessage());
        }
    }

    @Test
    void forwardDivisionByZeroNamesDivAndShapes() {
        Tensor a = leaf(1, 2, 3, 4).reshape(2, 2);
        Tensor b = Tensor.of(new double[] {1, 2}, 2); // broadcast over rows; no grad
        Tensor zero = Tensor.of(new double[] {1, 0}, 2);
        try (Anomaly ignored = Anomaly.detect()) {
            a.div(b); // fine
            NonFiniteException e = fails(() -> a.div(zero));
            assertEquals("div", e.source());
            // 2 / 0 = +inf at row 0, column 1.
            assertTrue(e.getMessage().contains("'div' produced Infinity at [0, 1] of its output [2, 2] FLOAT64."
                    + " Input 0 [2, 2] FLOAT64 is finite. Input 1 [2] FLOAT64 is finite."), e.getMessage());
        }
    }

    @Test
    void backwardOfLogAtZeroTimesZeroIsNaNAndNamesLog() {
        // The classic: d/dx [log(x) * 0] at x = 0 is 0 * (1/0) = NaN. Forward checks off so the
        // forward -inf passes and backward is what is examined.
        Tensor x = leaf(1.0, 0.0);
        try (Anomaly ignored = Anomaly.detectBackward()) {
            Tensor y = x.log().mul(Tensor.zeros(DType.FLOAT64, 2)).sum();
            NonFiniteException e = fails(y::backward);
            assertEquals(NonFiniteException.Phase.BACKWARD, e.phase());
            assertEquals("log", e.source());
            assertTrue(e.getMessage().startsWith("anomaly detected in backward: the backward of 'log' returned NaN at"
                    + " [1] in the gradient for input 0 [2] FLOAT64; the gradient it received [2] FLOAT64 was"
                    + " finite."), e.getMessage());
            assertTrue(e.getMessage().contains("created at dev.heed.core.AnomalyTest"), e.getMessage());
        }
    }

    @Test
    void backwardOfSqrtAtZeroIsInfiniteAndNamesSqrt() {
        // sqrt(0) = 0 is fine forward; its derivative 1 / (2 sqrt(x)) is +inf at 0.
        Tensor x = leaf(0.0, 4.0);
        try (Anomaly ignored = Anomaly.detect()) {
            Tensor y = x.sqrt().sum();
            NonFiniteException e = fails(y::backward);
            assertEquals("sqrt", e.source());
            assertTrue(e.getMessage().contains("returned Infinity at [0]"), e.getMessage());
        }
    }

    @Test
    void backwardDivisionByZeroInTheDenominatorGradient() {
        // a / b with a = b = 1e-200 is 1 forward; d/db = -a / b^2 and b^2 underflows to 0 in float64.
        Tensor a = leaf(1e-200);
        Tensor b = leaf(1e-200);
        try (Anomaly ignored = Anomaly.detect()) {
            Tensor y = a.div(b).sum();
            assertEquals(1.0, y.item());
            NonFiniteException e = fails(y::backward);
            assertEquals("div", e.source());
            assertTrue(e.getMessage().contains("returned -Infinity at [0] in the gradient for input 1 [1] FLOAT64"),
                    e.getMessage());
        }
    }

    @Test
    void nonFiniteDataIsBlamedOnTheInputNotTheOp() {
        Tensor data = Tensor.of(new double[] {1, Double.NaN}, 2);
        Tensor w = leaf(2, 3);
        try (Anomaly ignored = Anomaly.detect()) {
            NonFiniteException e = fails(() -> data.mul(w));
            assertTrue(e.getMessage().contains("Input 0 [2] FLOAT64 already held NaN at [1] (a leaf: data, a"
                    + " parameter or a tensor computed without grad)."), e.getMessage());
            assertTrue(e.getMessage().contains("Fix: find where that input became non-finite"), e.getMessage());
        }
    }

    @Test
    void finiteComputationsGiveTheSameGradientsInsideTheScope() {
        Tensor x = leaf(0.5, 1.5, 2.5);
        Tensor y = x.log().mul(x).sum(); // d/dx x log x = log x + 1
        y.backward();
        double[] plain = x.grad().toDoubleArray();
        Tensor x2 = leaf(0.5, 1.5, 2.5);
        try (Anomaly ignored = Anomaly.detect()) {
            x2.log().mul(x2).sum().backward();
        }
        assertArrayEquals(new double[] {Math.log(0.5) + 1, Math.log(1.5) + 1, Math.log(2.5) + 1}, plain, 1e-12);
        assertArrayEquals(plain, x2.grad().toDoubleArray(), 0.0);
    }

    @Test
    void higherOrderGradientsAreCheckedByTheNodeWhoseBackwardRuns() {
        Tensor x = leaf(0.0);
        try (Anomaly ignored = Anomaly.detect()) {
            // x^3: first derivative 3x^2 finite; the graph of the gradient is recorded without
            // blaming the ops that the backward pass itself runs.
            Tensor g = Autograd.grad(new Tensor[] {x.pow(3.0).sum()}, new Tensor[] {x}, null, true)[0];
            assertEquals(0.0, g.toDoubleArray()[0]);
        }
    }

    @Test
    void theModeIsPerThreadNestsAndIsOffByDefault() throws InterruptedException {
        assertFalse(Anomaly.isEnabled());
        Tensor x = leaf(0.0);
        AtomicReference<Throwable> other = new AtomicReference<>();
        try (Anomaly outer = Anomaly.detect()) {
            try (Anomaly inner = Anomaly.detectBackward()) {
                x.log(); // forward checks off in the inner scope
            }
            assertThrows(NonFiniteException.class, x::log); // restored by closing the inner scope
            Thread t = new Thread(() -> {
                try {
                    Tensor y = leaf(0.0).log(); // this thread has no anomaly scope
                    assertTrue(Double.isInfinite(y.item()));
                } catch (Throwable e) {
                    other.set(e);
                }
            });
            t.start();
            t.join();
        }
        assertNull(other.get());
        assertFalse(Anomaly.isEnabled());
        x.log(); // and off again after the scope
    }

    @Test
    void aNonFiniteSeedGradientIsReported() {
        Tensor x = leaf(1, 2);
        Tensor y = x.mul(2.0);
        try (Anomaly ignored = Anomaly.detect()) {
            NonFiniteException e = fails(() -> y.backward(Tensor.of(new double[] {1, Double.POSITIVE_INFINITY}, 2)));
            assertTrue(e.getMessage().contains("the gradient given for output 0 [2] FLOAT64 holds Infinity at [1]"),
                    e.getMessage());
        }
    }
}
