package dev.pagewire.internal;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Page ids: 16 bytes, base64url (22 characters). On a cluster the first 4 bytes are the number of
 * the node that owns the page, so that any node that receives a request for a page knows where the
 * page lives without asking anyone (docs/CLUSTER.md); the other 12 are random. An application that
 * runs alone (node {@code 0}) makes all 16 random. The token's MAC, not the id, is what makes a page's
 * channel unforgeable. Thread-safe.
 */
final class PageIds {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODE = Base64.getUrlDecoder();

    private final SecureRandom random = new SecureRandom();

    /** A new page id owned by {@code node} ({@code 0}: an application that runs alone). */
    String newId(int node) {
        byte[] id = new byte[16];
        random.nextBytes(id);
        if (node != 0) {
            ByteBuffer.wrap(id).putInt(node);
        }
        return B64.encodeToString(id);
    }

    /**
     * The node that owns the page with this id, on a cluster; meaningless for an application that
     * runs alone. {@code 0} if the id is not one this class makes.
     */
    static int ownerOf(String pageId) {
        if (pageId == null || pageId.length() != 22) {
            return 0;
        }
        try {
            return ByteBuffer.wrap(DECODE.decode(pageId)).getInt();
        } catch (IllegalArgumentException e) {
            return 0;
        }
    }
}
