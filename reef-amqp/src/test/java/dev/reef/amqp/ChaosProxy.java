package dev.reef.amqp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy between the tests' clients and the broker that can cut every connection at once, as a
 * network failure or a broker restart would, without touching the broker or other clients.
 */
public final class ChaosProxy implements AutoCloseable {
  private final ServerSocket server;
  private final String brokerHost;
  private final int brokerPort;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile boolean closed;
  private volatile boolean down;
  private volatile boolean swallowing;
  private final java.util.concurrent.atomic.AtomicLong swallowed = new java.util.concurrent.atomic.AtomicLong();

  /** A proxy on a free port of 127.0.0.1 to {@code broker}'s host and port. */
  public ChaosProxy(URI broker) throws IOException {
    this.brokerHost = broker.getHost();
    this.brokerPort = broker.getPort() == -1 ? 5672 : broker.getPort();
    this.server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "chaos-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** The broker URI with the proxy in the middle. */
  public String uri(URI broker) {
    String userInfo = broker.getRawUserInfo() == null ? "" : broker.getRawUserInfo() + "@";
    String path = broker.getRawPath() == null ? "" : broker.getRawPath();
    return broker.getScheme() + "://" + userInfo + "127.0.0.1:" + server.getLocalPort() + path;
  }

  /** Cuts every connection through the proxy; new ones are accepted again. */
  public void cutAll() {
    swallowing = false;
    for (Socket socket : sockets) {
      closeQuietly(socket);
    }
    sockets.clear();
  }

  /**
   * Cuts the link and keeps it cut: every connection is closed and new ones are closed as soon as
   * they are accepted, until {@link #heal()}, as a network partition would.
   */
  public void cut() {
    down = true;
    cutAll();
  }

  /** Lets connections through again after {@link #cut()}. */
  public void heal() {
    down = false;
  }

  /**
   * From now on, what the broker sends its clients is read and thrown away: the broker has written it
   * (an auto-acked delivery is gone from its queue), and no client ever gets it, as when a connection
   * dies with frames on their way. Ends with {@link #cutAll()}.
   */
  public void swallowFromBroker() {
    swallowed.set(0);
    swallowing = true;
  }

  /** Bytes thrown away since {@link #swallowFromBroker()}. */
  public long swallowed() {
    return swallowed.get();
  }

  /** The port the proxy listens on. */
  public int port() {
    return server.getLocalPort();
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = server.accept();
        if (down) {
          closeQuietly(client);
          continue;
        }
        Socket broker = new Socket();
        broker.connect(new InetSocketAddress(brokerHost, brokerPort), 2_000);
        sockets.add(client);
        sockets.add(broker);
        pump(client, broker, false);
        pump(broker, client, true);
      } catch (IOException e) {
        if (!closed) {
          continue;
        }
        return;
      }
    }
  }

  private void pump(Socket from, Socket to, boolean fromBroker) {
    Thread thread = new Thread(() -> {
      byte[] buffer = new byte[64 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int read;
        while ((read = in.read(buffer)) >= 0) {
          if (fromBroker && swallowing) {
            swallowed.addAndGet(read);
          } else {
            out.write(buffer, 0, read);
          }
        }
      } catch (IOException e) {
        // cut: close both sides below
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "chaos-proxy-pump");
    thread.setDaemon(true);
    thread.start();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // already closed
    }
  }

  /** Stops the proxy and cuts every connection. */
  @Override
  public void close() {
    closed = true;
    cutAll();
    try {
      server.close();
    } catch (IOException e) {
      // already closed
    }
  }
}
