package dev.heed.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** NumPy/PyTorch-style printing: aligned columns, 4 decimals, summarised beyond 1000 elements. */
final class TensorFormat {

    private static final int THRESHOLD = 1000;
    private static final int EDGE = 3;

    private TensorFormat() {}

    static String format(Tensor t) {
        boolean summarise = t.numel > THRESHOLD;
        List<Double> shown = new ArrayList<>();
        collect(t, 0, t.offset, summarise, shown);
        Style style = Style.of(t.dtype, shown);
        int width = 0;
        for (double v : shown) {
            width = Math.max(width, style.format(v).length());
        }
        StringBuilder sb = new StringBuilder("tensor(");
        if (t.shape.length == 0) {
            sb.append(style.format(t.getRaw(t.offset)));
        } else {
            render(t, 0, t.offset, summarise, style, width, sb, "tensor(".length());
        }
        if (t.dtype == DType.FLOAT64) {
            sb.append(", dtype=FLOAT64");
        }
        if (t.gradFn != null) {
            sb.append(", gradFn=").append(t.gradFn.op);
        } else if (t.requiresGrad) {
            sb.append(", requiresGrad=true");
        }
        return sb.append(')').toString();
    }

    private static void collect(Tensor t, int dim, int off, boolean summarise, List<Double> out) {
        if (dim == t.shape.length) {
            out.add(t.getRaw(off));
            return;
        }
        int n = t.shape[dim];
        for (int i = 0; i < n; i++) {
            if (summarise && n > 2 * EDGE && i == EDGE) {
                i = n - EDGE;
            }
            collect(t, dim + 1, off + i * t.strides[dim], summarise, out);
        }
    }

    private static void render(Tensor t, int dim, int off, boolean summarise, Style style, int width,
                               StringBuilder sb, int indent) {
        sb.append('[');
        int n = t.shape[dim];
        boolean last = dim == t.shape.length - 1;
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                if (last) {
                    sb.append(", ");
                } else {
                    sb.append(',');
                    sb.append("\n".repeat(t.shape.length - dim - 1));
                    sb.append(" ".repeat(indent + dim + 1));
                }
            }
            if (summarise && n > 2 * EDGE && i == EDGE) {
                sb.append("...");
                if (last) {
                    sb.append(", ");
                } else {
                    sb.append(',').append("\n".repeat(t.shape.length - dim - 1)).append(" ".repeat(indent + dim + 1));
                }
                i = n - EDGE;
            }
            int o = off + i * t.strides[dim];
            if (last) {
                String s = style.format(t.getRaw(o));
                sb.append(" ".repeat(width - s.length())).append(s);
            } else {
                render(t, dim + 1, o, summarise, style, width, sb, indent);
            }
        }
        sb.append(']');
    }

    private enum Kind { INT, FIXED, SCI, BOOL, LONG }

    private static final class Style {
        final Kind kind;

        Style(Kind kind) {
            this.kind = kind;
        }

        static Style of(DType dtype, List<Double> values) {
            if (dtype == DType.BOOL) {
                return new Style(Kind.BOOL);
            }
            if (dtype == DType.INT64) {
                return new Style(Kind.LONG);
            }
            boolean allInt = true;
            double maxAbs = 0;
            double minAbs = Double.POSITIVE_INFINITY;
            for (double v : values) {
                if (!Double.isFinite(v)) {
                    continue;
                }
                double a = Math.abs(v);
                if (v != Math.rint(v)) {
                    allInt = false;
                }
                maxAbs = Math.max(maxAbs, a);
                if (a > 0) {
                    minAbs = Math.min(minAbs, a);
                }
            }
            if (allInt && maxAbs < 1e8) {
                return new Style(Kind.INT);
            }
            if (maxAbs >= 1e8 || minAbs < 1e-4 || (minAbs < Double.POSITIVE_INFINITY && maxAbs / minAbs > 1000)) {
                return new Style(Kind.SCI);
            }
            return new Style(Kind.FIXED);
        }

        String format(double v) {
            if (kind == Kind.BOOL) {
                return v != 0 ? "true" : "false";
            }
            if (kind == Kind.LONG) {
                return Long.toString((long) v);
            }
            if (Double.isNaN(v)) {
                return "nan";
            }
            if (Double.isInfinite(v)) {
                return v > 0 ? "inf" : "-inf";
            }
            switch (kind) {
                case INT: return String.format(Locale.ROOT, "%.0f.", v);
                case SCI: return String.format(Locale.ROOT, "%.4e", v);
                default: return String.format(Locale.ROOT, "%.4f", v);
            }
        }
    }
}
