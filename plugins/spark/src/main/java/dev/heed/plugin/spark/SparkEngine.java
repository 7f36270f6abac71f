package dev.heed.plugin.spark;

import dev.heed.rl.sweep.RunKey;
import dev.heed.rl.sweep.RunResult;
import dev.heed.rl.sweep.SweepEngine;
import dev.heed.rl.sweep.SweepSpec;
import dev.heed.rl.sweep.SweepTasks;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apiguardian.api.API;

/**
 * Runs a sweep on Apache Spark: each run is one Spark task (one partition), so Spark schedules the
 * runs over its executor cores and retries a failed task up to {@code spark.task.maxFailures} times.
 * On the last attempt a failing run returns its error instead of failing the job, so the other runs
 * still finish.
 *
 * <p>Master: the one given; else {@code spark.master} from the JVM's system properties (as set by
 * {@code spark-submit}); else an embedded {@code local[*]} in this JVM. For a {@code local[N]} master
 * the retry count is written into it ({@code local[N,F]}), since Spark's local mode ignores
 * {@code spark.task.maxFailures}. Tasks and results travel as JSON text; the task function captures
 * nothing else. Every executor must see the sweep's output directory (a shared file system on a cluster)
 * and have Heed's jars on its class path.
 *
 * <p>{@link #execute} may be called from one thread at a time.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class SparkEngine implements SweepEngine {

    private static final System.Logger LOG = System.getLogger(SparkEngine.class.getName());
    private static final Pattern LOCAL = Pattern.compile("local\\[(\\d+|\\*)\\]");

    private final int maxFailures;
    private final JavaSparkContext spark;

    /**
     * Starts (or joins) a Spark context.
     *
     * @param master a Spark master URL ({@code local[2]}, {@code spark://host:7077}, ...), or null for
     *     {@code spark.master} if set, else embedded {@code local[*]}
     * @param maxFailures attempts per task before its run is reported failed, at least 1
     * @throws IllegalArgumentException if {@code maxFailures < 1}
     */
    public SparkEngine(String master, int maxFailures) {
        if (maxFailures < 1) {
            throw new IllegalArgumentException("SparkEngine: maxFailures " + maxFailures
                    + " must be >= 1 (1 means no retry)");
        }
        this.maxFailures = maxFailures;
        SparkConf conf = new SparkConf().setAppName("heed-rl-sweep");
        String m = master != null ? master : conf.get("spark.master", "local[*]");
        Matcher lm = LOCAL.matcher(m);
        if (lm.matches()) {
            m = "local[" + lm.group(1) + "," + maxFailures + "]";
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
            conf.setIfMissing("spark.ui.enabled", "false");
        }
        conf.setMaster(m);
        conf.set("spark.task.maxFailures", Integer.toString(maxFailures));
        this.spark = JavaSparkContext.fromSparkContext(SparkContext.getOrCreate(conf));
        LOG.log(System.Logger.Level.INFO, "sweep: Spark {0} on master {1}, {2} default parallelism",
                spark.version(), spark.master(), spark.defaultParallelism());
    }

    @Override
    public String name() {
        return "spark";
    }

    /** @return the master URL in use, e.g. {@code local[2,1]} */
    public String master() {
        return spark.master();
    }

    @Override
    public List<RunResult> execute(SweepSpec spec, List<RunKey> runs) {
        Objects.requireNonNull(spec, "spec");
        if (runs.isEmpty()) {
            return List.of();
        }
        List<String> tasks = new ArrayList<>();
        for (RunKey k : runs) {
            tasks.add(SweepTasks.encodeTask(spec, k, maxFailures));
        }
        spark.setJobDescription("heed rl sweep: " + runs.size() + " runs into " + spec.out());
        List<String> results = spark.parallelize(tasks, tasks.size()).map(SparkEngine::runTask).collect();
        List<RunResult> out = new ArrayList<>();
        for (String r : results) {
            out.add(SweepTasks.decodeResult(r));
        }
        return out;
    }

    /** The Spark task: trains one run; rethrows so Spark retries, except on the last attempt. */
    static String runTask(String task) {
        TaskContext tc = TaskContext.get();
        int attempt = tc == null ? 1 : tc.attemptNumber() + 1;
        return SweepTasks.encodeResult(SweepTasks.attempt(SweepTasks.decodeTask(task), attempt));
    }

    /** Stops the Spark context. */
    @Override
    public void close() {
        spark.stop();
    }
}
