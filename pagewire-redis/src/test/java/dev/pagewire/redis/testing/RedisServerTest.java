package dev.pagewire.redis.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The launcher other modules' tests rely on: start, restart empty on the same port, stop. */
class RedisServerTest {

    @Test
    void restartKeepsThePortAndLosesTheData() {
        try (RedisServer redis = RedisServer.start()) {
            assertEquals("redis://127.0.0.1:" + redis.port(), redis.uri());
            assertEquals("OK", redis.command("SET", "k", "v"));
            assertEquals("1", redis.command("DBSIZE"));

            redis.restart();

            assertTrue(redis.isAlive());
            assertEquals("0", redis.command("DBSIZE"), "no persistence: a restart starts empty");
            assertEquals("PONG", redis.command("PING"));
            redis.stop();
            assertFalse(redis.isAlive());
        }
    }
}
