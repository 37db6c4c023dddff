package dev.pagewire.internal.dashboard;

import dev.pagewire.DashboardAccess;
import dev.pagewire.Page;
import dev.pagewire.PageHandler;
import dev.pagewire.PageRequest;
import dev.pagewire.Topic;
import dev.pagewire.internal.App;
import dev.pagewire.internal.CloseLog;
import dev.pagewire.internal.Counts;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live dashboard (docs/OPERATIONS.md, Dashboard), a Pagewire page like any other: each view
 * joins the topic {@link #TOPIC}, and every node of the application publishes a {@link Snapshot} of
 * itself into it once a second while the topic has members anywhere in the cluster. So a dashboard
 * rendered by any node shows every node, over the cluster's own topics, and costs nothing while
 * nobody looks. Who may render it is {@link #access()}'s to say (checked before the render); its
 * channel then needs the page's token, like every page's.
 */
public final class Dashboard implements PageHandler {

    /** The topic the nodes publish into and the dashboard pages join. */
    public static final String TOPIC = "pagewire.dashboard";

    /** The event each snapshot is. */
    static final String EVENT = "stats";

    /** How often a node publishes while someone looks. */
    static final long INTERVAL_MILLIS = 1000;

    /** Topics listed, the largest first. */
    static final int TOPICS_SHOWN = 20;

    private static final Logger log = LoggerFactory.getLogger(Dashboard.class);

    private final App app;
    private final DashboardAccess access;
    private final String html;
    private final Topic topic;
    private final AtomicBoolean publishing = new AtomicBoolean();

    public Dashboard(App app, DashboardAccess access) {
        this.app = app;
        this.access = access;
        this.html = resource("dashboard.html");
        this.topic = app.topic(TOPIC);
    }

    /** Starts this node's publishing (it runs only while the topic has members); it stops with the application. */
    public void start() {
        app.scheduler().scheduleWithFixedDelay(this::tick, INTERVAL_MILLIS, INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** {@return who may render the dashboard} */
    public DashboardAccess access() {
        return access;
    }

    @Override
    public String render(PageRequest request, Page page) {
        page.join(TOPIC);
        return html;
    }

    /** On the timer: hands the snapshot's work (it walks the pages) to a worker, one at a time. */
    private void tick() {
        if (topic.size() == 0 || !publishing.compareAndSet(false, true)) {
            return;
        }
        app.blockingWork().execute(() -> {
            try {
                topic.emit(EVENT, snapshot());
            } catch (RuntimeException e) {
                log.warn("dashboard snapshot failed", e);
            } finally {
                publishing.set(false);
            }
        });
    }

    /** This node now: states read from the pages, totals the clients derive rates from. */
    Snapshot snapshot() {
        Counts c = app.counts();
        Map<String, Long> connections = new LinkedHashMap<>();
        for (int t = Counts.WEBSOCKET; t <= Counts.LONG_POLLING; t++) {
            connections.put(Counts.TRANSPORTS[t], app.connections(t));
        }
        long fallbacks = 0;
        for (int t = Counts.SSE; t <= Counts.LONG_POLLING; t++) {
            for (int reason = 0; reason < Counts.FALLBACK_REASONS.length; reason++) {
                fallbacks += c.fallbacks(t, reason);
            }
        }
        Map<String, Long> closes = new LinkedHashMap<>();
        for (int slot = 0; slot <= Counts.CLOSE_CODES.length; slot++) {
            long n = c.closes(slot);
            if (n > 0) {
                closes.put(slot < Counts.CLOSE_CODES.length ? Integer.toString(Counts.CLOSE_CODES[slot]) : "other", n);
            }
        }
        Map<String, Integer> topics = new LinkedHashMap<>(app.largestTopics(TOPICS_SHOWN + 1));
        topics.remove(TOPIC);
        if (topics.size() > TOPICS_SHOWN) {
            topics.remove(topics.keySet().toArray()[TOPICS_SHOWN]);
        }
        return new Snapshot(
                app.node(),
                System.currentTimeMillis(),
                app.health().reason(),
                app.pageCount(),
                connections,
                c.events(Counts.INBOUND),
                c.events(Counts.OUTBOUND),
                c.bytes(Counts.INBOUND),
                c.bytes(Counts.OUTBOUND),
                c.resumes(),
                fallbacks,
                c.upgrades(Counts.SSE) + c.upgrades(Counts.LONG_POLLING),
                c.framesMissed(),
                app.handlerQueue(),
                app.topicCount() - (topic.size() > 0 ? 1 : 0), // not the dashboard's own
                closes,
                c.recentCloses(),
                topics);
    }

    /**
     * What one node publishes each second (the page's script reads these names).
     *
     * @param node the node's number ({@code 0} alone)
     * @param at when, in milliseconds since the epoch
     * @param health {@code "ready"}, or why the node takes no new pages
     * @param pages live pages
     * @param connections connections attached now, by transport
     * @param eventsIn events received since start
     * @param eventsOut events sent since start
     * @param bytesIn frame bytes received since start
     * @param bytesOut frame bytes sent since start
     * @param resumes reconnects that resumed a page since start
     * @param fallbacks connections that fell back to SSE or long-polling since start
     * @param upgrades fallbacks that went back to WebSocket since start
     * @param missed data frames pages were told they missed since start
     * @param queued events and calls waiting for handlers now
     * @param topicCount topics with members or configuration
     * @param closes closes and refusals since start, by close code
     * @param recentCloses the last closes, oldest first
     * @param topics the largest topics and their members
     */
    record Snapshot(
            int node,
            long at,
            String health,
            int pages,
            Map<String, Long> connections,
            long eventsIn,
            long eventsOut,
            long bytesIn,
            long bytesOut,
            long resumes,
            long fallbacks,
            long upgrades,
            long missed,
            long queued,
            int topicCount,
            Map<String, Long> closes,
            List<CloseLog.Close> recentCloses,
            Map<String, Integer> topics) {}

    private static String resource(String name) {
        try (InputStream in = Dashboard.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name + " beside " + Dashboard.class.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
