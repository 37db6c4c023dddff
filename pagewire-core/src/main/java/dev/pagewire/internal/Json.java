package dev.pagewire.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The shared Jackson mapper for application data (thread-safe once configured). */
public final class Json {

    private static final ObjectMapper MAPPER = JsonMapper.builder().findAndAddModules().build();

    private Json() {}

    /** The mapper used to convert event data to and from application types. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
