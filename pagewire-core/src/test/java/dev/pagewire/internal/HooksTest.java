package dev.pagewire.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HooksTest {

    @Test
    void keepsTheOrderOfAddingAndASnapshotNeverChanges() {
        Hooks hooks = new Hooks();
        assertTrue(hooks.isEmpty());
        assertEquals(0, hooks.snapshot().length);
        Runnable a = () -> {};
        Runnable b = () -> {};
        hooks.add(a);
        Runnable[] before = hooks.snapshot();
        hooks.add(b);
        assertFalse(hooks.isEmpty());
        assertArrayEquals(new Runnable[] {a}, before, "a snapshot taken earlier is not changed by a later add");
        assertArrayEquals(new Runnable[] {a, b}, hooks.snapshot());
    }

    @Test
    void refusesNull() {
        assertThrows(NullPointerException.class, () -> new Hooks().add(null));
    }
}
