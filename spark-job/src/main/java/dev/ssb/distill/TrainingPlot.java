package dev.ssb.distill;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The training dynamics as in the paper's figure: three stacked panels against the step — loss
 * (total and KD), gradient norm before clipping, and mean reply length of the batch — rendered
 * headless to PNG.
 */
public final class TrainingPlot {

    static final int WIDTH = 900;
    static final int PANEL_HEIGHT = 300;

    private TrainingPlot() {}

    /** The PNG bytes of the three panels for {@code metrics} (in step order, at least one row). */
    static byte[] png(List<StepMetrics> metrics, String title) {
        if (metrics.isEmpty()) {
            throw new IllegalArgumentException("Cannot plot training: no steps");
        }
        Map<String, double[]> loss = new LinkedHashMap<>();
        loss.put("loss", values(metrics, StepMetrics::loss));
        if (metrics.stream().anyMatch(m -> m.lossCe() != 0)) {
            loss.put("KD (T²·KL)", values(metrics, StepMetrics::lossKd));
            loss.put("CE", values(metrics, StepMetrics::lossCe));
        }
        return png(
                values(metrics, StepMetrics::step),
                List.of(
                        new Panel(title + ": loss per reply token", "loss", loss),
                        new Panel(
                                "gradient norm (before clipping)",
                                "grad norm",
                                Map.of("grad norm", values(metrics, StepMetrics::gradNorm))),
                        new Panel(
                                "mean reply length of the batch",
                                "tokens",
                                Map.of("reply length", values(metrics, StepMetrics::replyLen)))));
    }

    /**
     * One panel against the step.
     *
     * @param title the panel's title
     * @param yTitle its y axis
     * @param series name to values, one per step, in legend order
     */
    public record Panel(String title, String yTitle, Map<String, double[]> series) {}

    /**
     * The PNG bytes of {@code panels} stacked, each against {@code steps}: the one renderer of
     * every training plot (distill, GRPO).
     */
    public static byte[] png(double[] steps, List<Panel> panels) {
        if (steps.length == 0) {
            throw new IllegalArgumentException("Cannot plot training: no steps");
        }
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true"); // executors and CI have no display
        }
        List<XYChart> charts = new ArrayList<>();
        for (Panel p : panels) {
            XYChart chart = panel(p.title(), p.yTitle());
            p.series().forEach((name, y) -> series(chart, name, steps, y));
            charts.add(chart);
        }
        BufferedImage out =
                new BufferedImage(WIDTH, charts.size() * PANEL_HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, out.getWidth(), out.getHeight());
            int y = 0;
            for (XYChart chart : charts) {
                g.drawImage(BitmapEncoder.getBufferedImage(chart), 0, y, null);
                y += PANEL_HEIGHT;
            }
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ImageIO.write(out, "png", bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot encode the training plot", e);
        }
        return bytes.toByteArray();
    }

    private static XYChart panel(String title, String yTitle) {
        XYChart chart =
                new XYChartBuilder()
                        .width(WIDTH)
                        .height(PANEL_HEIGHT)
                        .title(title)
                        .xAxisTitle("step")
                        .yAxisTitle(yTitle)
                        .build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        return chart;
    }

    private static void series(XYChart chart, String name, double[] x, double[] y) {
        XYSeries s = chart.addSeries(name, x, y);
        s.setMarker(x.length > 50 ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
    }

    private static double[] values(List<StepMetrics> metrics, ToDoubleFunction<StepMetrics> f) {
        return metrics.stream().mapToDouble(f).toArray();
    }
}
