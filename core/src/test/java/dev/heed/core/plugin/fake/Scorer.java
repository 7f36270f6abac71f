package dev.heed.core.plugin.fake;

/** Test-only product of the fake "scorer" plugin kind. */
public interface Scorer {
    double score(double q, double k);
}
