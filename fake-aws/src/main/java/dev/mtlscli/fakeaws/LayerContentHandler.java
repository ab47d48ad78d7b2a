package dev.mtlscli.fakeaws;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Serves the layer archives behind Content.Location: a plain, unsigned GET of
 * {@code /_content/<token>}, as a presigned S3 URL is. An unknown token (or a deleted version)
 * is a 403 with S3's AccessDenied body. Downloads are recorded as service {@code s3}, operation
 * {@code GetObject}.
 */
final class LayerContentHandler implements HttpHandler {
    private final List<LayerStore> layers;
    private final Consumer<RecordedRequest> recorder;

    LayerContentHandler(List<LayerStore> layers, Consumer<RecordedRequest> recorder) {
        this.layers = List.copyOf(layers);
        this.recorder = recorder;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            ReceivedRequest request = ReceivedRequest.read(exchange);
            String token = request.uri().getPath().substring(LayerStore.CONTENT_PATH.length());
            // the token is unguessable and names one version, in whichever region published it
            Optional<byte[]> zip = Optional.empty();
            if (request.method().equals("GET")) {
                for (LayerStore store : layers) {
                    zip = store.content(token);
                    if (zip.isPresent()) {
                        break;
                    }
                }
            }
            int status;
            byte[] body;
            if (zip.isPresent()) {
                status = 200;
                body = zip.get();
                exchange.getResponseHeaders().set("Content-Type", "application/zip");
            } else {
                status = 403;
                body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code>"
                        + "<Message>Access Denied</Message></Error>").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/xml");
            }
            recorder.accept(new RecordedRequest("s3", "GetObject", request.headers(), "", Map.of(), status,
                    zip.isPresent() ? null : "AccessDenied"));
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
