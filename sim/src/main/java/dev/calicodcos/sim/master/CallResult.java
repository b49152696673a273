package dev.calicodcos.sim.master;

/** HTTP answer to a scheduler or operator call: status code and plain-text (or JSON) body. */
public record CallResult(int status, String body) {
    public static CallResult accepted() {
        return new CallResult(202, "");
    }

    public static CallResult badRequest(String message) {
        return new CallResult(400, message);
    }
}
