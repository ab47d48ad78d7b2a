package dev.mtlscli.runtime;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.Supplier;

/**
 * A body handler that hands the body to another one up to a number of bytes and stops the
 * transfer past it (cancelling the subscription closes the connection), so that at most the
 * limit is ever buffered. A Content-Length above the limit fails before any byte is read. What
 * JDK 25's BodyHandlers.limiting does, for Java 17.
 */
final class LimitedBody<T> implements HttpResponse.BodySubscriber<T> {
    private final HttpResponse.BodySubscriber<T> downstream;
    private final long limit;
    private final boolean declaredTooLong;
    private final Supplier<? extends Throwable> tooLarge;
    private Flow.Subscription subscription;
    private long received;
    private boolean stopped;

    private LimitedBody(HttpResponse.BodySubscriber<T> downstream, long limit, boolean declaredTooLong,
                        Supplier<? extends Throwable> tooLarge) {
        this.downstream = downstream;
        this.limit = limit;
        this.declaredTooLong = declaredTooLong;
        this.tooLarge = tooLarge;
    }

    /**
     * @param tooLarge the failure the body completes with past the limit
     */
    static <T> HttpResponse.BodyHandler<T> handler(HttpResponse.BodyHandler<T> downstream, long limit,
                                                  Supplier<? extends Throwable> tooLarge) {
        return info -> new LimitedBody<>(downstream.apply(info), limit,
                info.headers().firstValueAsLong("Content-Length").orElse(0) > limit, tooLarge);
    }

    // The HttpClient calls these one at a time (Flow's rule), so the fields need no lock.
    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        downstream.onSubscribe(subscription);
        if (declaredTooLong) {
            stop();
        }
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        if (stopped) {
            return;
        }
        for (ByteBuffer buffer : buffers) {
            received += buffer.remaining();
        }
        if (received > limit) {
            stop();
            return;
        }
        downstream.onNext(buffers);
    }

    @Override
    public void onError(Throwable throwable) {
        if (!stopped) {
            downstream.onError(throwable);
        }
    }

    @Override
    public void onComplete() {
        if (!stopped) {
            downstream.onComplete();
        }
    }

    @Override
    public CompletionStage<T> getBody() {
        return downstream.getBody();
    }

    private void stop() {
        stopped = true;
        subscription.cancel();
        downstream.onError(tooLarge.get());
    }
}
