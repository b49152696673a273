package dev.calicodcos.sim.master;

/**
 * What the master did with offers since it started (a test's view of Mesos' {@code master/outstanding_offers},
 * {@code master/messages_decline_offers}, {@code ..._revive_offers}, {@code ..._suppress_offers} and the
 * per-framework {@code offers/sent}, {@code offers/accepted}, {@code offers/declined}, {@code offers/rescinded}).
 *
 * @param sent        offers sent to frameworks (each offer of an OFFERS event counts)
 * @param accepted    offers used by an ACCEPT
 * @param declined    offers returned by a DECLINE
 * @param rescinded   offers taken back (agent gone or disconnected)
 * @param outstanding offers sent and not yet accepted, declined or rescinded
 */
public record OfferCounts(long sent, long accepted, long declined, long rescinded, long outstanding,
                          long declineCalls, long revives, long suppresses) {}
