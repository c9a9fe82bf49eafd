package io.karafha.registry;

/** A registration or a watch; {@link #close()} removes it again. Closing twice does nothing. */
public interface Registration extends AutoCloseable {
    @Override
    void close();
}
