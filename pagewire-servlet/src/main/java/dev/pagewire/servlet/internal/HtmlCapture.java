package dev.pagewire.servlet.internal;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.BooleanSupplier;

/**
 * Wraps the response of a request the application answers itself, so that the HTML of a page it
 * rendered can get the client injected: at the first write it decides, from {@code wanted} (a page was
 * made for this request and its script not placed by hand) and the content type, whether to keep the
 * body back until the request is done; otherwise everything passes straight through. A length the
 * application set is applied only when the body passes through unchanged. Not thread-safe: the
 * request's own thread writes it.
 */
public final class HtmlCapture extends HttpServletResponseWrapper {

    private final BooleanSupplier wanted;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private Boolean capturing;
    private long contentLength = -1;
    private ServletOutputStream stream;
    private PrintWriter writer;

    public HtmlCapture(HttpServletResponse response, BooleanSupplier wanted) {
        super(response);
        this.wanted = wanted;
    }

    /** Whether the body was kept back (the caller then injects and writes it with {@link #finish}). */
    public boolean captured() {
        return Boolean.TRUE.equals(capturing);
    }

    /** The kept-back body, decoded with the response's character encoding. */
    public String html() {
        if (writer != null) {
            writer.flush();
        }
        return captured.toString(charset());
    }

    /** Writes the final body (the HTML with the client in it) with its own length. */
    public void finish(String html) throws IOException {
        byte[] bytes = html.getBytes(charset());
        HttpServletResponse response = (HttpServletResponse) getResponse();
        response.setContentLengthLong(bytes.length);
        response.getOutputStream().write(bytes);
    }

    private Charset charset() {
        String name = getCharacterEncoding();
        try {
            return name == null ? StandardCharsets.ISO_8859_1 : Charset.forName(name);
        } catch (IllegalArgumentException e) {
            return StandardCharsets.UTF_8;
        }
    }

    /** Decides at the first write whether to keep the body back. */
    private boolean capturing() {
        if (capturing == null) {
            String type = getContentType();
            capturing = wanted.getAsBoolean()
                    && type != null
                    && type.toLowerCase(Locale.ROOT).startsWith("text/html");
            if (!capturing && contentLength >= 0) {
                super.setContentLengthLong(contentLength);
            }
        }
        return capturing;
    }

    @Override
    public void setContentLength(int len) {
        setContentLengthLong(len);
    }

    @Override
    public void setContentLengthLong(long len) {
        if (capturing == null) {
            contentLength = len;
        } else if (!capturing) {
            super.setContentLengthLong(len);
        }
    }

    @Override
    public void setHeader(String name, String value) {
        if ("content-length".equalsIgnoreCase(name)) {
            setContentLengthLong(Long.parseLong(value.strip()));
        } else {
            super.setHeader(name, value);
        }
    }

    @Override
    public void addHeader(String name, String value) {
        if ("content-length".equalsIgnoreCase(name)) {
            setContentLengthLong(Long.parseLong(value.strip()));
        } else {
            super.addHeader(name, value);
        }
    }

    @Override
    public void flushBuffer() throws IOException {
        if (!capturing()) {
            super.flushBuffer();
        }
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
        if (stream == null) {
            ServletOutputStream real = super.getOutputStream();
            stream = new ServletOutputStream() {
                @Override
                public boolean isReady() {
                    return real.isReady();
                }

                @Override
                public void setWriteListener(WriteListener listener) {
                    real.setWriteListener(listener);
                }

                @Override
                public void write(int b) throws IOException {
                    if (capturing()) {
                        captured.write(b);
                    } else {
                        real.write(b);
                    }
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    if (capturing()) {
                        captured.write(b, off, len);
                    } else {
                        real.write(b, off, len);
                    }
                }

                @Override
                public void flush() throws IOException {
                    if (!capturing()) {
                        real.flush();
                    }
                }
            };
        }
        return stream;
    }

    @Override
    public PrintWriter getWriter() throws IOException {
        if (writer == null) {
            writer = new PrintWriter(new OutputStreamWriter(getOutputStream(), charset()), false);
        }
        return writer;
    }

    /** Flushes the application's writer into the real response or the capture (end of the request). */
    public void flushWriter() {
        if (writer != null) {
            writer.flush();
        }
    }
}
