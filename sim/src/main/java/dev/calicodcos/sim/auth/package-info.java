/** The DC/OS IAM service-account login (RS256 JWTs with java.security) for DC/OS mode. Jackson and the JDK only. */
package dev.calicodcos.sim.auth;
