package dev.pagewire.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The memory static files take between requests: bounded in all, per file, and by recent use. */
class StaticCacheTest {

    private static StaticCache.Version version(String location, int size) {
        return new StaticCache.Version(
                location, new StaticFile.Stat(size, 0, "s" + size), "\"" + location + "\"", new byte[size], null);
    }

    @Test
    void aFileIsKeptUpToTheFileLimitAndNotAByteMore() {
        StaticCache cache = new StaticCache(1000, 100);
        assertTrue(cache.keeps(100));
        assertFalse(cache.keeps(101));
    }

    @Test
    void theFileLimitIsNeverAboveTheWholeLimit() {
        assertFalse(new StaticCache(50, 100).keeps(51));
        assertFalse(new StaticCache(0, 0).keeps(1));
    }

    @Test
    void aVersionIsFoundOnlyWhileTheFileIsTheSame() {
        StaticCache cache = new StaticCache(1000, 100);
        cache.put(version("/a", 10));
        assertNotNull(cache.get("/a", new StaticFile.Stat(10, 0, "s10")));
        assertNull(cache.get("/a", new StaticFile.Stat(11, 0, "s11")));
    }

    @Test
    void theLeastRecentlyUsedGoFirstAndTheTotalStaysWithinTheLimit() {
        StaticCache cache = new StaticCache(250, 100);
        cache.put(version("/a", 100));
        cache.put(version("/b", 100));
        cache.get("/a", new StaticFile.Stat(100, 0, "s100")); // a is used: b is now the eldest
        cache.put(version("/c", 100));
        assertEquals(200, cache.bytes());
        assertNotNull(cache.get("/a", new StaticFile.Stat(100, 0, "s100")));
        assertNull(cache.get("/b", new StaticFile.Stat(100, 0, "s100")));
        assertNotNull(cache.get("/c", new StaticFile.Stat(100, 0, "s100")));
    }

    @Test
    void aGzippedFormCountsAndReplacesItsVersion() {
        StaticCache cache = new StaticCache(1000, 100);
        StaticCache.Version v = version("/a", 100);
        cache.put(v);
        cache.put(v.withGzip(new byte[30]));
        assertEquals(130, cache.bytes());
    }
}
