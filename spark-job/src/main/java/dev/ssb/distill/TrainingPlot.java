package dev.ssb.distill;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
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
final class TrainingPlot {

    static final int WIDTH = 900;
    static final int PANEL_HEIGHT = 300;

    private TrainingPlot() {}

    /** The PNG bytes of the three panels for {@code metrics} (in step order, at least one row). */
    static byte[] png(List<StepMetrics> metrics, String title) {
        if (metrics.isEmpty()) {
            throw new IllegalArgumentException("Cannot plot training: no steps");
        }
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true"); // executors and CI have no display
        }
        double[] steps = values(metrics, StepMetrics::step);
        XYChart loss = panel(title + ": loss per reply token", "loss");
        series(loss, "loss", steps, values(metrics, StepMetrics::loss));
        if (metrics.stream().anyMatch(m -> m.lossCe() != 0)) {
            series(loss, "KD (T²·KL)", steps, values(metrics, StepMetrics::lossKd));
            series(loss, "CE", steps, values(metrics, StepMetrics::lossCe));
        }
        XYChart grad = panel("gradient norm (before clipping)", "grad norm");
        series(grad, "grad norm", steps, values(metrics, StepMetrics::gradNorm));
        XYChart reply = panel("mean reply length of the batch", "tokens");
        series(reply, "reply length", steps, values(metrics, StepMetrics::replyLen));

        BufferedImage out = new BufferedImage(WIDTH, 3 * PANEL_HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, out.getWidth(), out.getHeight());
            int y = 0;
            for (XYChart chart : List.of(loss, grad, reply)) {
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
