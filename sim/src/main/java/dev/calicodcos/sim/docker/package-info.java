/** A per-agent fake of the Docker Engine API (bookkeeping containers, daemon.json-driven info). */
package dev.calicodcos.sim.docker;
