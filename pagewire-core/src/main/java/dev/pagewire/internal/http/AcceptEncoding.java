package dev.pagewire.internal.http;

import java.util.List;
import java.util.Locale;

/**
 * Which content coding to send, from those a response has on offer, by a request's {@code
 * Accept-Encoding} header (RFC 9110 §12.5.3). Stateless.
 */
final class AcceptEncoding {

    /** The coding of a body sent as it is. */
    static final String IDENTITY = "identity";

    private AcceptEncoding() {}

    /**
     * The offered coding the header rates highest (the first offered on a tie), or {@link #IDENTITY}
     * when it accepts none of them: when the header is missing, or rates each offered coding
     * {@code q=0} or leaves it out (directly or by {@code *}). {@code x-gzip} counts as {@code gzip}.
     *
     * @param header the request's {@code Accept-Encoding}, or {@code null}
     * @param offered codings in the server's order of preference, lower case, without {@code identity}
     */
    static String choose(String header, List<String> offered) {
        if (header == null || header.isBlank()) {
            return IDENTITY;
        }
        String best = IDENTITY;
        double bestQ = 0;
        for (String coding : offered) {
            double q = quality(header, coding);
            if (q > bestQ) {
                best = coding;
                bestQ = q;
            }
        }
        return best;
    }

    /** The q-value the header gives {@code coding}: its own, else that of {@code *}, else 0. */
    private static double quality(String header, String coding) {
        Double own = null;
        Double any = null;
        for (String element : header.split(",")) {
            String[] parts = element.split(";");
            String name = parts[0].strip().toLowerCase(Locale.ROOT);
            if (name.equals("x-gzip")) {
                name = "gzip";
            }
            if (name.equals(coding)) {
                own = q(parts);
            } else if (name.equals("*")) {
                any = q(parts);
            }
        }
        return own != null ? own : any != null ? any : 0;
    }

    /** The {@code q} parameter of one element; 1 without one, 0 when it is not a number from 0 to 1. */
    private static double q(String[] parts) {
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].strip();
            if (parameter.length() > 2
                    && (parameter.charAt(0) == 'q' || parameter.charAt(0) == 'Q')
                    && parameter.charAt(1) == '=') {
                try {
                    double q = Double.parseDouble(parameter.substring(2).strip());
                    return q >= 0 && q <= 1 ? q : 0;
                } catch (NumberFormatException e) {
                    return 0; // Unreadable: not a promise that the coding is welcome.
                }
            }
        }
        return 1;
    }
}
