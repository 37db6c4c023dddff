package dev.pagewire.metrics;

import dev.pagewire.Pagewire;
import dev.pagewire.internal.App;
import dev.pagewire.internal.Counts;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * An application's meters for Micrometer (docs/OPERATIONS.md has the table): pages, connections by
 * transport, fallbacks and upgrades, resumes, closes by code, events and bytes, handler time and
 * queue, calls, topics, endpoint opens, refusals, and a cluster node's relay traffic. Bind it to the
 * registry you scrape or push from:
 *
 * <pre>{@code
 * Pagewire app = Pagewire.create();
 * new PagewireMetrics(app).bindTo(registry); // e.g. a PrometheusMeterRegistry
 * }</pre>
 *
 * <p>Spring Boot's starter declares it as a bean, so Actuator binds it to its own registry.
 *
 * <p>Why a {@link MeterBinder} and not a registry in {@code Settings}: the application counts in
 * core all the time, in plain {@code LongAdder}s indexed by tag (one add per event, no lookup, no
 * allocation, no Micrometer class), so that an application that never asks for metrics loads no
 * Micrometer class and {@code micrometer-core} stays an optional dependency; this class, the only
 * one that imports Micrometer, turns those counts into function counters and gauges read when the
 * registry is scraped. States (pages live, connections open, queued events) are read from the pages
 * at that moment, walking them: a scrape costs time in proportion to the pages, the events nothing.
 * Handler time is the one meter recorded as it happens, a {@link Timer} without percentiles or
 * histogram (turn them on with a {@code MeterFilter}, or Spring's
 * {@code management.metrics.distribution.*} properties); only after binding does the application time
 * its handlers at all.
 *
 * <p>Every meter has the tag {@code node}: the application's {@link Pagewire#node()} when bound
 * ({@code 0} when it runs alone), plus the tags given here. Bind once per registry; any thread.
 */
public final class PagewireMetrics implements MeterBinder {

    private final App app;
    private final Tags tags;

    /**
     * The meters of {@code app}, with no tags but {@code node}.
     *
     * @param app the application whose meters these are
     * @throws IllegalArgumentException if {@code app} was not made by {@link Pagewire#create}
     */
    public PagewireMetrics(Pagewire app) {
        this(app, Tags.empty());
    }

    /**
     * The meters of {@code app}, with {@code tags} added to every one.
     *
     * @param app the application whose meters these are
     * @param tags added to every meter, e.g. the service's name
     * @throws IllegalArgumentException if {@code app} was not made by {@link Pagewire#create}
     */
    public PagewireMetrics(Pagewire app, Iterable<Tag> tags) {
        if (!(Objects.requireNonNull(app, "app") instanceof App a)) {
            throw new IllegalArgumentException("not an application made by Pagewire.create(): " + app);
        }
        this.app = a;
        this.tags = Tags.of(tags);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Counts c = app.counts();
        Tags t = tags.and("node", Integer.toString(app.node()));

        gauge(
                registry,
                "pagewire.pages.live",
                null,
                "Pages live: connected, or waiting for their browser",
                t,
                a -> a.pageCount());
        for (int i = 0; i < Counts.PAGE_KINDS.length; i++) {
            int kind = i;
            counter(
                    registry,
                    "pagewire.pages",
                    null,
                    "Pages created: rendered, or opened as an endpoint connection",
                    t.and("kind", Counts.PAGE_KINDS[i]),
                    x -> x.pagesCreated(kind));
        }
        counter(
                registry,
                "pagewire.pages.expired",
                null,
                "Connections refused because their page is gone (4404): the browser renders anew",
                t,
                Counts::pagesExpired);

        for (int i = 0; i < Counts.TRANSPORTS.length - 1; i++) {
            int transport = i;
            Tags tt = t.and("transport", Counts.TRANSPORTS[i]);
            gauge(
                    registry,
                    "pagewire.connections",
                    null,
                    "Connections attached to pages now",
                    tt,
                    a -> a.connections(transport));
            counter(
                    registry,
                    "pagewire.connections.opened",
                    null,
                    "Connections attached to a page",
                    tt,
                    x -> x.connectionsOpened(transport));
        }
        for (int transport = Counts.SSE; transport <= Counts.LONG_POLLING; transport++) {
            for (int i = 0; i < Counts.FALLBACK_REASONS.length; i++) {
                if (transport == Counts.SSE && i == 2) {
                    continue; // SSE never follows SSE as a fallback
                }
                int tr = transport;
                int reason = i;
                counter(
                        registry,
                        "pagewire.fallbacks",
                        null,
                        "Connections of a page on a fallback transport: its first, or after a better one",
                        t.and("transport", Counts.TRANSPORTS[transport]).and("reason", Counts.FALLBACK_REASONS[i]),
                        x -> x.fallbacks(tr, reason));
            }
            int from = transport;
            counter(
                    registry,
                    "pagewire.upgrades",
                    null,
                    "WebSockets that replaced a page's fallback",
                    t.and("from", Counts.TRANSPORTS[transport]),
                    x -> x.upgrades(from));
        }
        counter(registry, "pagewire.resumes", null, "Reconnects of a page that resumed", t, Counts::resumes);
        counter(
                registry,
                "pagewire.frames.replayed",
                null,
                "Data frames sent again on a resume",
                t,
                Counts::framesReplayed);
        counter(
                registry,
                "pagewire.frames.missed",
                null,
                "Data frames a browser was told it missed (past the replay buffer)",
                t,
                Counts::framesMissed);
        for (int i = 0; i <= Counts.CLOSE_CODES.length; i++) {
            int slot = i;
            String code = i < Counts.CLOSE_CODES.length ? Integer.toString(Counts.CLOSE_CODES[i]) : "other";
            counter(
                    registry,
                    "pagewire.closes",
                    null,
                    "Connections the server closed or refused, by close code",
                    t.and("code", code),
                    x -> x.closes(slot));
        }

        for (int i = 0; i < Counts.DIRECTIONS.length; i++) {
            int d = i;
            Tags td = t.and("direction", Counts.DIRECTIONS[i]);
            counter(registry, "pagewire.events", null, "Data frames: events, calls, replies", td, x -> x.events(d));
            counter(registry, "pagewire.bytes", "bytes", "Frame bytes of page connections", td, x -> x.bytes(d));
            counter(registry, "pagewire.calls", null, "Calls made (inbound: by browsers)", td, x -> x.calls(d));
            for (int k = 0; k < Counts.CALL_FAILURES.length; k++) {
                int code = k;
                counter(
                        registry,
                        "pagewire.calls.failed",
                        null,
                        "Calls that failed, by code",
                        td.and("code", Counts.CALL_FAILURES[k]),
                        x -> x.callFailures(d, code));
            }
            counter(
                    registry,
                    "pagewire.relay.messages",
                    null,
                    "Relay messages to and from the other nodes (owner hops)",
                    td,
                    x -> x.relayMessages(d));
            counter(
                    registry,
                    "pagewire.relay.bytes",
                    "bytes",
                    "Relay bytes to and from the other nodes (owner hops)",
                    td,
                    x -> x.relayBytes(d));
        }

        Timer handlerTime = Timer.builder("pagewire.handler.time")
                .description("Time event and call handlers run")
                .tags(t)
                .register(registry);
        c.addHandlerTime(nanos -> handlerTime.record(nanos, TimeUnit.NANOSECONDS));
        gauge(
                registry,
                "pagewire.handler.queue",
                null,
                "Events and calls waiting for their handlers",
                t,
                a -> a.handlerQueue());

        gauge(registry, "pagewire.topics", null, "Topics with members or configuration", t, a -> a.topicCount());
        gauge(registry, "pagewire.topics.members", null, "This node's channels in a topic", t, a -> a.topicMembers());
        for (int i = 0; i < Counts.OPEN_RESULTS.length; i++) {
            int result = i;
            counter(
                    registry,
                    "pagewire.endpoint.opens",
                    null,
                    "Channel opens to endpoints, by result",
                    t.and("result", Counts.OPEN_RESULTS[i]),
                    x -> x.endpointOpens(result));
        }
        for (int i = 0; i < Counts.REFUSALS.length; i++) {
            int reason = i;
            counter(
                    registry,
                    "pagewire.refusals",
                    null,
                    "Requests refused before their route: origin not allowed, or over a client rate",
                    t.and("reason", Counts.REFUSALS[i]),
                    x -> x.refusals(reason));
        }
        gauge(
                registry,
                "pagewire.ready",
                null,
                "1 while this node takes new pages, else 0",
                t,
                a -> a.health().ready() ? 1 : 0);

        counter(
                registry,
                "pagewire.relay.forwards",
                null,
                "Requests passed on to the node that owns their page",
                t,
                Counts::relayForwards);
        gauge(
                registry,
                "pagewire.relay.tunnels",
                null,
                "Relayed connections open through this node",
                t,
                a -> a.relay().tunnels());
    }

    private void counter(
            MeterRegistry registry,
            String name,
            String unit,
            String description,
            Tags tags,
            ToDoubleFunction<Counts> value) {
        FunctionCounter.builder(name, app.counts(), value)
                .description(description)
                .baseUnit(unit)
                .tags(tags)
                .register(registry);
    }

    private void gauge(
            MeterRegistry registry,
            String name,
            String unit,
            String description,
            Tags tags,
            ToDoubleFunction<App> value) {
        Gauge.builder(name, app, value)
                .description(description)
                .baseUnit(unit)
                .tags(tags)
                .strongReference(true)
                .register(registry);
    }
}
