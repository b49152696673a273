/**
 * Real local servers and fixtures for tests and the demo, started on demand on free ports and sockets in
 * temporary directories, so that nothing else on the machine is touched: {@code EtcdServer} (etcd from PATH),
 * {@code Dockerd} (a private dockerd) with {@code BusyboxImage}, {@code FakeSystemctl}, {@code TestCertificates}
 * (openssl), {@code TcpProxy} (a connection a test can cut), {@code FreePorts}, {@code TempDirs}, {@code MovableClock},
 * {@code Executables}.
 *
 * <p>JDK only; knows nothing of calico-dcos. Checked by {@code LayeringTest} (src/test).
 */
package dev.calicodcos.testkit;
