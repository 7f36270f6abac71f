package org.tribuo;

/** Stand-in for Tribuo's serializable {@code Model}; test fixture only. */
public abstract class FakeSerializableModel implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
}
