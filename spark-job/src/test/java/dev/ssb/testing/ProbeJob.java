package dev.ssb.testing;

import dev.ssb.spark.GpuPlacement;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A Spark application that reports where its tasks ran: one JSON row per partition with the
 * executor's id and PID, the driver's PID, the task's {@code gpu} addresses and the device {@link
 * GpuPlacement} chose.
 *
 * <p>Arguments: {@code outputDir [partitions [holdMillis]]}; with {@code holdMillis} the driver
 * keeps the application (and so its executors) alive that long after writing.
 */
public final class ProbeJob {

    static final StructType SCHEMA =
            new StructType()
                    .add("partition", DataTypes.IntegerType, false)
                    .add("executor_id", DataTypes.StringType, false)
                    .add("executor_pid", DataTypes.LongType, false)
                    .add("driver_pid", DataTypes.LongType, false)
                    .add(
                            "gpu_addresses",
                            DataTypes.createArrayType(DataTypes.StringType, false),
                            false)
                    .add("gpu_id", DataTypes.IntegerType, false);

    private ProbeJob() {}

    public static void main(String[] args) throws InterruptedException {
        if (args.length < 1 || args.length > 3) {
            throw new IllegalArgumentException(
                    "Usage: ProbeJob outputDir [partitions [holdMillis]]");
        }
        String output = args[0];
        int partitions = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        long holdMillis = args.length > 2 ? Long.parseLong(args[2]) : 0;
        long driverPid = ProcessHandle.current().pid();

        SparkSession spark = SparkSession.builder().appName("ssb-probe").getOrCreate();
        try {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            List<Integer> ids = IntStream.range(0, partitions).boxed().toList();
            JavaRDD<Row> rows =
                    jsc.parallelize(ids, partitions)
                            .mapPartitionsWithIndex(new Probe(driverPid), false);
            spark.createDataFrame(rows, SCHEMA).write().mode(SaveMode.Overwrite).json(output);
            Thread.sleep(holdMillis);
        } finally {
            spark.stop();
        }
    }

    /** Runs in the executors: one row per partition. */
    static final class Probe implements Function2<Integer, Iterator<Integer>, Iterator<Row>> {
        private static final long serialVersionUID = 1L;
        private final long driverPid;

        Probe(long driverPid) {
            this.driverPid = driverPid;
        }

        @Override
        public Iterator<Row> call(Integer partition, Iterator<Integer> ignored)
                throws InterruptedException {
            ResourceInformation gpu = TaskContext.get().resourcesJMap().get("gpu");
            String[] addresses = gpu == null ? new String[0] : gpu.addresses();
            int gpuId = GpuPlacement.gpuIdForTask();
            // long enough that one executor cannot drain all partitions before the other starts
            Thread.sleep(300);
            Row row =
                    RowFactory.create(
                            partition,
                            SparkEnv.get().executorId(),
                            ProcessHandle.current().pid(),
                            driverPid,
                            addresses, // an array: the Row encoder takes arrays or Scala Seqs
                            gpuId);
            return List.of(row).iterator();
        }
    }
}
