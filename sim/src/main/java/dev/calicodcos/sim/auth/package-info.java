/** The DC/OS IAM service-account login (RS256 JWTs with java.security) for DC/OS mode. */
package dev.calicodcos.sim.auth;
