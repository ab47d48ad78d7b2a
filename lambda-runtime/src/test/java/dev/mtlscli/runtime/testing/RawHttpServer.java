package dev.mtlscli.runtime.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/** A loopback server that answers every connection with these header bytes, then whatever body writes. */
public final class RawHttpServer implements AutoCloseable {
    public interface Body {
        void write(OutputStream out) throws Exception;
    }

    private final ServerSocket socket;
    private final Thread accepter;

    private RawHttpServer(ServerSocket socket, Thread accepter) {
        this.socket = socket;
        this.accepter = accepter;
    }

    public static RawHttpServer answering(String head, Body body) throws IOException {
        ServerSocket socket = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        Thread accepter = new Thread(() -> {
            while (!socket.isClosed()) {
                try (Socket connection = socket.accept()) {
                    InputStream in = connection.getInputStream();
                    // the request's head ends with an empty line
                    int matched = 0;
                    while (matched < 4) {
                        int b = in.read();
                        if (b < 0) {
                            break;
                        }
                        matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
                    }
                    OutputStream out = connection.getOutputStream();
                    out.write(head.getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    body.write(out);
                } catch (Exception closed) {
                    // the client gave up, or the test is over
                }
            }
        });
        accepter.setDaemon(true);
        accepter.start();
        return new RawHttpServer(socket, accepter);
    }

    public URI endpoint() {
        return URI.create("http://localhost:" + socket.getLocalPort());
    }

    @Override
    public void close() throws IOException {
        accepter.interrupt();
        socket.close();
    }
}
