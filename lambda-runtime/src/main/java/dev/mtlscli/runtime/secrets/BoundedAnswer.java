package dev.mtlscli.runtime.secrets;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/**
 * The body of one answer from a local HTTP server, read up to a size and a deadline. The JDK's
 * HttpClient request timeout covers the headers only: without these bounds a server that sends
 * headers and then trickles or streams its body forever holds the function's init, or its memory,
 * until Lambda kills it. A Content-Length above the limit is refused before any byte is read; a
 * body that grows past it is cancelled at the limit, so at most limit bytes are ever held.
 */
final class BoundedAnswer implements HttpResponse.BodySubscriber<byte[]> {
    /** The body announced or sent more than the limit; it names the limit, never the content. */
    static final class TooLarge extends IOException {
        TooLarge(long limit) {
            super("the answer is longer than " + limit + " bytes");
        }
    }

    /** The body was not complete at the deadline. */
    static final class TooSlow extends IOException {
        TooSlow() {
            super("the answer was not complete at the deadline");
        }
    }

    private final long limit;
    private final long deadlineNanos;
    private final OptionalLong declared;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private Flow.Subscription subscription;

    private BoundedAnswer(long limit, long deadlineNanos, OptionalLong declared) {
        this.limit = limit;
        this.deadlineNanos = deadlineNanos;
        this.declared = declared;
    }

    /**
     * @param limit         the most bytes the body may have
     * @param deadlineNanos the System.nanoTime by which the whole body must have arrived
     */
    static HttpResponse.BodyHandler<byte[]> handler(long limit, long deadlineNanos) {
        return info -> new BoundedAnswer(limit, deadlineNanos, info.headers().firstValueAsLong("Content-Length"));
    }

    @Override
    public synchronized void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        if (declared.isPresent() && declared.getAsLong() > limit) {
            fail(new TooLarge(limit));
            return;
        }
        long left = deadlineNanos - System.nanoTime();
        CompletableFuture.delayedExecutor(Math.max(left, 0), TimeUnit.NANOSECONDS).execute(this::deadlinePassed);
        subscription.request(1);
    }

    @Override
    public synchronized void onNext(List<ByteBuffer> buffers) {
        if (result.isDone()) {
            return;
        }
        for (ByteBuffer buffer : buffers) {
            if (body.size() + (long) buffer.remaining() > limit) {
                fail(new TooLarge(limit));
                return;
            }
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            body.write(bytes, 0, bytes.length);
        }
        subscription.request(1);
    }

    @Override
    public synchronized void onError(Throwable throwable) {
        result.completeExceptionally(throwable);
    }

    @Override
    public synchronized void onComplete() {
        result.complete(body.toByteArray());
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return result;
    }

    private synchronized void deadlinePassed() {
        if (!result.isDone()) {
            fail(new TooSlow());
        }
    }

    /** Stops the transfer (the client closes the connection) and reports why. */
    private void fail(IOException why) {
        subscription.cancel();
        result.completeExceptionally(why);
    }
}
