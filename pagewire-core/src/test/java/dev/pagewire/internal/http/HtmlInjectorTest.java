package dev.pagewire.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class HtmlInjectorTest {

    private static final String TAG = "<script data-test></script>";

    @Test
    void scriptGoesRightAfterTheOpeningHeadTag() {
        assertEquals(
                "<html><head>" + TAG + "<title>t</title></head></html>",
                HtmlInjector.inject("<html><head><title>t</title></head></html>", TAG));
        assertEquals(
                "<HTML><HEAD lang=\"en\">" + TAG + "</HEAD></HTML>",
                HtmlInjector.inject("<HTML><HEAD lang=\"en\"></HEAD></HTML>", TAG));
        assertEquals("<head\n>" + TAG, HtmlInjector.inject("<head\n>", TAG));
    }

    @Test
    void headerIsNotHead() {
        assertEquals(
                "<html>" + TAG + "<body><header>h</header></body></html>",
                HtmlInjector.inject("<html><body><header>h</header></body></html>", TAG));
        assertEquals(
                "<header>x</header><head>" + TAG + "</head>",
                HtmlInjector.inject("<header>x</header><head></head>", TAG));
    }

    @Test
    void withoutHeadScriptGoesAfterHtmlOrTheDoctype() {
        assertEquals(
                "<!DOCTYPE html><html lang=\"en\">" + TAG + "<body>b</body></html>",
                HtmlInjector.inject("<!DOCTYPE html><html lang=\"en\"><body>b</body></html>", TAG));
        assertEquals("<!doctype html>" + TAG + "<p>hi</p>", HtmlInjector.inject("<!doctype html><p>hi</p>", TAG));
    }

    @Test
    void withoutAnyOfThoseScriptGoesAtTheStart() {
        assertEquals(TAG + "<h1>Hi</h1>", HtmlInjector.inject("<h1>Hi</h1>", TAG));
        assertEquals(TAG, HtmlInjector.inject("", TAG));
        assertEquals(TAG + "<head", HtmlInjector.inject("<head", TAG), "an unfinished tag is not a head");
    }

    @Test
    void scriptTagCarriesTheClientPathTheTokenAndTheConfiguration() {
        assertEquals(
                "<script type=\"module\" src=\"/_pagewire/client.js\" data-pagewire-token=\"v1.abc.1.mac\""
                        + " data-pagewire-config='{\"connectTimeout\":3000}'></script>",
                HtmlInjector.scriptTag("/_pagewire/client.js", "v1.abc.1.mac", "{\"connectTimeout\":3000}"));
    }

    @Test
    void configurationWithASingleQuoteIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> HtmlInjector.scriptTag("/c.js", "t", "{\"a\":\"'\"}"));
    }
}
