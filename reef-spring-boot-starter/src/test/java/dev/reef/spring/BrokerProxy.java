package dev.reef.spring;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy in front of the test broker that can make it unreachable ({@link #down()}: every
 * connection cut, new ones closed at once) and reachable again ({@link #up()}), without touching the
 * broker that other tests share.
 */
final class BrokerProxy implements AutoCloseable {
  private final ServerSocket server;
  private final String brokerHost;
  private final int brokerPort;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private volatile boolean reachable = true;
  private volatile boolean closed;

  BrokerProxy(URI broker) throws IOException {
    this.brokerHost = broker.getHost();
    this.brokerPort = broker.getPort() == -1 ? 5672 : broker.getPort();
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "broker-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** {@code broker} with this proxy in its place. */
  String uri(URI broker) {
    String userInfo = broker.getRawUserInfo() == null ? "" : broker.getRawUserInfo() + "@";
    String path = broker.getRawPath() == null ? "" : broker.getRawPath();
    return broker.getScheme() + "://" + userInfo + "127.0.0.1:" + server.getLocalPort() + path;
  }

  /** Cuts every connection and refuses new ones, as a broker that went away. */
  void down() {
    reachable = false;
    open.forEach(BrokerProxy::closeQuietly);
    open.clear();
  }

  /** Lets connections through again. */
  void up() {
    reachable = true;
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = server.accept();
        if (!reachable) {
          closeQuietly(client);
          continue;
        }
        Socket broker = new Socket();
        broker.connect(new InetSocketAddress(brokerHost, brokerPort), 2_000);
        open.add(client);
        open.add(broker);
        pump(client, broker);
        pump(broker, client);
      } catch (IOException e) {
        if (closed) {
          return;
        }
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread pump = new Thread(() -> {
      byte[] buffer = new byte[16 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        for (int read; (read = in.read(buffer)) != -1; ) {
          out.write(buffer, 0, read);
          out.flush();
        }
      } catch (IOException e) {
        // the other side or down() closed the connection: end both directions
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "broker-proxy-pump");
    pump.setDaemon(true);
    pump.start();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // closing a socket that is already broken
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    down();
    server.close();
  }
}
