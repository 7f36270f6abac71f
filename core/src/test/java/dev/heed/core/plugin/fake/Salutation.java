package dev.heed.core.plugin.fake;

/** A collaborator that the fake plugin module binds and the injected provider receives. */
public interface Salutation {
    String word();
}
