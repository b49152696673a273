package dev.calicodcos.model.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * {@code spec.rollout.canary}: a number of agents ({@code 2}) or a percentage of the selected agents
 * ({@code "10%"}, rounded up). It reads and writes in the form it was given, as the schema has it.
 */
public record Canary(int amount, boolean percent) {
    public static final Canary NONE = new Canary(0, false);

    @JsonCreator
    public static Canary of(Object value) {
        String text = String.valueOf(value).strip();
        return text.endsWith("%") ? new Canary(Integer.parseInt(text.substring(0, text.length() - 1)), true)
                : new Canary(Integer.parseInt(text), false);
    }

    @JsonValue
    public Object value() {
        return percent ? amount + "%" : amount;
    }

    /** How many of {@code selected} agents form the wave. */
    public int of(int selected) {
        return Math.min(selected, percent ? (int) Math.ceil(selected * amount / 100.0) : amount);
    }

    @Override
    public String toString() {
        return String.valueOf(value());
    }
}
