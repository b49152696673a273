/**
 * The demo: a real etcd, a simulated DC/OS cluster ({@code sim}) whose agents run the product jar
 * as node agents, and the controller, on one machine; {@link dev.calicodcos.demo.DemoCommand} is the
 * demo jar's entry point, {@link dev.calicodcos.demo.DemoCluster} is also what the end-to-end tests
 * stand on. May depend on controller, sim and testkit; nothing in the product depends on it.
 */
package dev.calicodcos.demo;
