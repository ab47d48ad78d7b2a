package dev.mtlscli.rotation;

/**
 * Told about every step of a rotation right after the journal records it: the command shows
 * progress with it. Steps: "material", "published", "moved", "verified", "rolled-back".
 */
@FunctionalInterface
public interface RotationObserver {
    RotationObserver NONE = (step, detail) -> { };

    void done(String step, String detail);
}
