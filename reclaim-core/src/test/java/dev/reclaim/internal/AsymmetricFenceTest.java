package dev.reclaim.internal;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The mode decision of AsymmetricFence, in both surefire runs (default and -Dreclaim.asymmetricFence=off). */
class AsymmetricFenceTest {

    @Test
    void theModeFollowsThePropertyAndThePlatform() {
        String mode = System.getProperty("reclaim.asymmetricFence", "auto");
        boolean linux = System.getProperty("os.name").toLowerCase().startsWith("linux");
        if (mode.equals("off")) {
            assertEquals(false, AsymmetricFence.isAsymmetric());
            assertTrue(AsymmetricFence.status().contains("asymmetricFence=off"), AsymmetricFence.status());
        } else if (linux) {
            // surefire enables native access, and membarrier exists since Linux 4.14
            assertTrue(AsymmetricFence.isAsymmetric(), AsymmetricFence.status());
            assertEquals("asymmetric (membarrier)", AsymmetricFence.status());
        }
    }

    @Test
    void bothSidesCanBeCalledRepeatedly() {
        for (int i = 0; i < 1000; i++) {
            AsymmetricFence.light();
        }
        for (int i = 0; i < 20; i++) {
            AsymmetricFence.heavy(); // a failing membarrier call throws
        }
    }
}
