package dev.mtlscli.testing;

import java.io.Writer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The output of a command run in another thread ({@link Cli#run(Writer, Writer, String...)}):
 * when it first prints {@code marker}, the command waits in its print until the test calls
 * {@link #resume()}, so that the test acts at a known point of the run, without sleeping.
 */
public final class PausingWriter extends Writer {
    private final String marker;
    private final StringBuilder text = new StringBuilder();
    private final CountDownLatch reached = new CountDownLatch(1);
    private final CountDownLatch resumed = new CountDownLatch(1);

    public PausingWriter(String marker) {
        this.marker = marker;
    }

    @Override
    public void write(char[] buffer, int offset, int length) {
        boolean pause;
        synchronized (text) {
            text.append(buffer, offset, length);
            pause = reached.getCount() > 0 && text.indexOf(marker) >= 0;
        }
        if (pause) {
            reached.countDown();
            await(resumed);
        }
    }

    /** Waits (at most 60 s) until the command printed the marker and is held there. */
    public void awaitPaused() {
        await(reached);
        if (reached.getCount() > 0) {
            throw new AssertionError("the command never printed '" + marker + "'; it printed:\n" + text());
        }
    }

    public void resume() {
        resumed.countDown();
    }

    public String text() {
        synchronized (text) {
            return text.toString();
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
