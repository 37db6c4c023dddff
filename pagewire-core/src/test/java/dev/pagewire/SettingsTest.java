package dev.pagewire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SettingsTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        Settings s = Settings.defaults();
        assertEquals(64 * 1024, s.maxMessageBytes());
        assertEquals(32, s.maxJsonDepth());
        assertEquals(1024, s.maxQueuedEvents());
        assertEquals(4L * 1024 * 1024, s.maxOutboundBytes());
        assertEquals(1024, s.maxReplayFrames());
        assertEquals(1024L * 1024, s.maxReplayBytes());
        assertEquals(Duration.ofSeconds(30), s.callTimeout());
        assertEquals(Duration.ofSeconds(15), s.heartbeatInterval());
        assertEquals(Duration.ofSeconds(45), s.idleTimeout());
        assertEquals(Duration.ofSeconds(30), s.closeGracePeriod());
        assertEquals(Duration.ofMinutes(2), s.tokenTtl());
        assertEquals(Duration.ofSeconds(20), s.pollTimeout());
        assertEquals(Set.of(), s.allowedOrigins());
        assertFalse(s.allowCredentials());
        assertEquals(16, s.maxChannels());
        assertTrue(s.compression());
        assertEquals(Duration.ofSeconds(3), s.connectTimeout());
        assertEquals(Duration.ofSeconds(10), s.upgradeAfter());
        assertEquals(0, s.topicHistory());
        assertEquals(32, s.secret().length);
    }

    @Test
    void theDefaultSecretIsRandomPerSettings() {
        assertFalse(
                Arrays.equals(Settings.defaults().secret(), Settings.defaults().secret()));
    }

    @Test
    void builderSetsEverySetting() {
        byte[] secret = new byte[40];
        Settings s = Settings.builder()
                .maxMessageBytes(1)
                .maxJsonDepth(2)
                .maxQueuedEvents(3)
                .maxOutboundBytes(4)
                .maxReplayFrames(11)
                .maxReplayBytes(12)
                .callTimeout(Duration.ofSeconds(13))
                .heartbeatInterval(Duration.ofSeconds(5))
                .idleTimeout(Duration.ofSeconds(6))
                .closeGracePeriod(Duration.ofSeconds(7))
                .tokenTtl(Duration.ofSeconds(8))
                .pollTimeout(Duration.ofSeconds(7))
                .allowOrigins("https://a.example", "https://b.example")
                .compression(false)
                .connectTimeout(Duration.ofSeconds(9))
                .upgradeAfter(Duration.ofSeconds(10))
                .topicHistory(14)
                .secret(secret)
                .build();
        assertEquals(1, s.maxMessageBytes());
        assertEquals(2, s.maxJsonDepth());
        assertEquals(3, s.maxQueuedEvents());
        assertEquals(4, s.maxOutboundBytes());
        assertEquals(11, s.maxReplayFrames());
        assertEquals(12, s.maxReplayBytes());
        assertEquals(Duration.ofSeconds(13), s.callTimeout());
        assertEquals(Duration.ofSeconds(5), s.heartbeatInterval());
        assertEquals(Duration.ofSeconds(6), s.idleTimeout());
        assertEquals(Duration.ofSeconds(7), s.closeGracePeriod());
        assertEquals(Duration.ofSeconds(8), s.tokenTtl());
        assertEquals(Duration.ofSeconds(7), s.pollTimeout());
        assertEquals(Set.of("https://a.example", "https://b.example"), s.allowedOrigins());
        assertFalse(s.compression());
        assertEquals(Duration.ofSeconds(9), s.connectTimeout());
        assertEquals(Duration.ofSeconds(10), s.upgradeAfter());
        assertEquals(14, s.topicHistory());
        assertArrayEquals(secret, s.secret());
    }

    static Stream<Arguments> nonPositiveSettings() {
        return Stream.of(
                bad("maxMessageBytes", b -> b.maxMessageBytes(0)),
                bad("maxJsonDepth", b -> b.maxJsonDepth(-1)),
                bad("maxQueuedEvents", b -> b.maxQueuedEvents(0)),
                bad("maxOutboundBytes", b -> b.maxOutboundBytes(0)),
                bad("maxReplayFrames", b -> b.maxReplayFrames(0)),
                bad("maxReplayBytes", b -> b.maxReplayBytes(-1)),
                bad("callTimeout", b -> b.callTimeout(Duration.ZERO)),
                bad("heartbeatInterval", b -> b.heartbeatInterval(Duration.ZERO)),
                bad("idleTimeout", b -> b.idleTimeout(Duration.ofSeconds(-1))),
                bad("closeGracePeriod", b -> b.closeGracePeriod(Duration.ZERO)),
                bad("tokenTtl", b -> b.tokenTtl(null)),
                bad("pollTimeout", b -> b.pollTimeout(Duration.ZERO)),
                bad("connectTimeout", b -> b.connectTimeout(Duration.ofMillis(-5))),
                bad("upgradeAfter", b -> b.upgradeAfter(Duration.ZERO)),
                bad("maxChannels", b -> b.maxChannels(0)));
    }

    private static Arguments bad(String name, Consumer<Settings.Builder> change) {
        return Arguments.of(name, change);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nonPositiveSettings")
    void aNonPositiveValueIsRefusedNamingTheSetting(String name, Consumer<Settings.Builder> change) {
        Settings.Builder builder = Settings.builder();
        change.accept(builder);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);
        String m = e.getMessage();
        assertTrue(m.startsWith(name + " must be") && m.contains("positive"), m);
    }

    @Test
    void idleTimeoutNotLongerThanTheHeartbeatIsRefused() {
        for (Duration idle : new Duration[] {Duration.ofSeconds(15), Duration.ofSeconds(10)}) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> Settings.builder()
                            .heartbeatInterval(Duration.ofSeconds(15))
                            .idleTimeout(idle)
                            .build());
            assertTrue(
                    e.getMessage().contains("idleTimeout") && e.getMessage().contains("heartbeatInterval"),
                    e.getMessage());
        }
        Settings.builder()
                .heartbeatInterval(Duration.ofSeconds(15))
                .idleTimeout(Duration.ofMillis(15001))
                .build();
    }

    @Test
    void topicHistoryMayBeZeroButNotNegative() {
        assertEquals(0, Settings.builder().topicHistory(0).build().topicHistory());
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> Settings.builder().topicHistory(-1).build());
        assertTrue(
                e.getMessage().startsWith("topicHistory must be 0 or more")
                        && e.getMessage().contains("-1"),
                e.getMessage());
    }

    @Test
    void aSecretShorterThan32BytesIsRefused() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> Settings.builder().secret(new byte[31]).build());
        assertTrue(e.getMessage().contains("secret") && e.getMessage().contains("31"), e.getMessage());
        Settings.builder().secret(new byte[32]).build();
    }

    @Test
    void theSecretIsCopiedOnTheWayInAndOut() {
        byte[] secret = filled(32, (byte) 7);
        Settings.Builder builder = Settings.builder().secret(secret);
        secret[0] = 0;
        Settings s = builder.build();
        assertArrayEquals(filled(32, (byte) 7), s.secret());

        s.secret()[1] = 0;
        assertArrayEquals(filled(32, (byte) 7), s.secret());

        byte[] direct = filled(32, (byte) 9);
        Settings d = new Settings(
                1,
                1,
                1,
                1,
                1,
                1,
                Duration.ofSeconds(1),
                Duration.ofSeconds(1),
                Duration.ofSeconds(2),
                Duration.ofSeconds(1),
                Duration.ofSeconds(1),
                Duration.ofSeconds(1),
                Set.of(),
                false,
                1,
                true,
                Duration.ofSeconds(1),
                Duration.ofSeconds(1),
                false,
                0,
                Duration.ofSeconds(1),
                Settings.ClientLimits.DEFAULTS,
                Settings.StaticFileLimits.DEFAULTS,
                direct);
        direct[2] = 0;
        assertArrayEquals(filled(32, (byte) 9), d.secret());
    }

    @Test
    void allowedOriginsCannotBeChangedAfterBuilding() {
        Settings.Builder builder = Settings.builder().allowOrigins("https://a.example");
        Settings s = builder.build();
        builder.allowOrigins("https://b.example");
        assertEquals(Set.of("https://a.example"), s.allowedOrigins());
        assertThrows(
                UnsupportedOperationException.class, () -> s.allowedOrigins().add("https://c.example"));
    }

    @Test
    void toStringNeverShowsTheSecret() {
        Settings s = Settings.builder().secret(filled(32, (byte) 'k')).build();
        assertFalse(s.toString().contains("kkkk"), s.toString());
        assertTrue(s.toString().contains("secret=(32 bytes)"), s.toString());
    }

    private static byte[] filled(int n, byte value) {
        byte[] b = new byte[n];
        Arrays.fill(b, value);
        return b;
    }
}
