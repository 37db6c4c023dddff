/**
 * The backplane of a Pagewire cluster on Redis: {@link dev.pagewire.redis.RedisBackplane}, the one
 * type an application uses ({@code Pagewire.create(RedisBackplane.connect(uri), …)}). Everything
 * else lives in {@code dev.pagewire.redis.internal}.
 */
package dev.pagewire.redis;
