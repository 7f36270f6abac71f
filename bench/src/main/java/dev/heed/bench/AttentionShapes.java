package dev.heed.bench;

import org.apiguardian.api.API;

/** The benchmark shapes and PyTorch's medians on the project's machine kind (ms). */
@API(status = API.Status.INTERNAL, since = "0.1")
public final class AttentionShapes {

    /** "batch,seq,dModel,heads". */
    public static final String[] SHAPES = {"32,64,128,4", "8,256,256,8", "4,1024,512,8", "1,4096,512,8"};

    /** PyTorch 1 thread: forward, forward+backward. */
    public static final double[][] TORCH_1T = {{3.5, 8.6}, {19.3, 57.1}, {241, 577}, {877, 2100}};

    /** PyTorch 2 threads: forward, forward+backward. */
    public static final double[][] TORCH_2T = {{2.2, 7.1}, {32.0, 68.1}, {157, 400}, {549, 1252}};

    private AttentionShapes() {}

    /**
     * @param s "batch,seq,dModel,heads"
     * @return the four numbers
     */
    public static int[] parse(String s) {
        String[] p = s.split(",");
        if (p.length != 4) {
            throw new IllegalArgumentException("shape '" + s + "' must be batch,seq,dModel,heads");
        }
        int[] r = new int[4];
        for (int i = 0; i < 4; i++) {
            r[i] = Integer.parseInt(p[i].trim());
        }
        return r;
    }
}
