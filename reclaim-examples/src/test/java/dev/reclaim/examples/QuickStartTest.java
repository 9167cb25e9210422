package dev.reclaim.examples;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import org.junit.jupiter.api.Test;

class QuickStartTest {

    @Test
    void readmeQuickStartRunsWithoutReadingFreedNodes() {
        assertDoesNotThrow(() -> QuickStart.main(new String[0]));
    }
}
