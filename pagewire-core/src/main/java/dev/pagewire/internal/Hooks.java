package dev.pagewire.internal;

import java.util.Objects;

/**
 * Lifecycle hooks of a page or channel (connect, disconnect, close): added rarely, read on every
 * lifecycle change. Copy-on-write over a plain array that starts as one shared empty array, so a
 * page that registers no hook of a kind pays a reference for it, not a list (thousands of idle
 * pages, docs/BENCHMARKS.md §5). Thread-safe.
 */
final class Hooks {

    private static final Runnable[] NONE = new Runnable[0];

    private volatile Runnable[] hooks = NONE;

    synchronized void add(Runnable hook) {
        Objects.requireNonNull(hook, "hook");
        Runnable[] next = new Runnable[hooks.length + 1];
        System.arraycopy(hooks, 0, next, 0, hooks.length);
        next[hooks.length] = hook;
        hooks = next;
    }

    boolean isEmpty() {
        return hooks.length == 0;
    }

    /** The hooks added so far, in order; never modified (a copy on write). */
    Runnable[] snapshot() {
        return hooks;
    }
}
