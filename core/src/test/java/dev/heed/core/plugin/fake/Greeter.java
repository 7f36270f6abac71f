package dev.heed.core.plugin.fake;

/** Test-only product of the fake "greeter" plugin kind. */
public interface Greeter {
    String greet(String who);
}
