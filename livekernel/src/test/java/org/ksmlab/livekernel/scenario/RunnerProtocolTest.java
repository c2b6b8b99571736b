package org.ksmlab.livekernel.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** The Java half of the runner's framing: the byte layout scenario_runner.c reads and writes. */
class RunnerProtocolTest {
    @Test
    void aRequestShouldBe64LittleEndianBytes() {
        ByteBuffer b = RunnerProtocol.request(RunnerProtocol.OP_MREMAP, 0x7f0000001000L, 8192, 4096, 3, 0x7f0000100000L);
        assertEquals(64, b.remaining());
        b.order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(RunnerProtocol.OP_MREMAP, b.getInt(0));
        assertEquals(0, b.getInt(4));
        assertEquals(0x7f0000001000L, b.getLong(8));
        assertEquals(8192, b.getLong(16));
        assertEquals(3, b.getLong(32));
        assertEquals(0x7f0000100000L, b.getLong(40));
        assertEquals(0, b.getLong(56));
        assertEquals(0x04, b.get(0)); // little endian: op 4 in the first byte
    }

    @Test
    void moreThanSevenArgumentsShouldBeRefused() {
        assertThrows(IllegalArgumentException.class, () -> RunnerProtocol.request(1, 1, 2, 3, 4, 5, 6, 7, 8));
    }

    @Test
    void pageRecordsShouldCarryTheirFlagsInTheAddressLowBits() {
        RunnerProtocol.Records w = RunnerProtocol.writeRecords(new long[] {0x1000, 0x2000}, new long[] {42, 0}, new boolean[] {false, true});
        ByteBuffer b = ByteBuffer.allocate(2 * w.recordBytes()).order(ByteOrder.LITTLE_ENDIAN);
        w.put(b, 0);
        w.put(b, 1);
        assertEquals(16, w.recordBytes());
        assertEquals(0x1000, b.getLong(0));
        assertEquals(42, b.getLong(8));
        assertEquals(0x2000 | RunnerProtocol.REC_ZERO, b.getLong(16));

        RunnerProtocol.Records v = RunnerProtocol.verifyRecords(new long[] {0x3000}, new long[] {9}, new boolean[] {false}, new long[] {0xC0DE});
        ByteBuffer c = ByteBuffer.allocate(v.recordBytes()).order(ByteOrder.LITTLE_ENDIAN);
        v.put(c, 0);
        assertEquals(24, v.recordBytes());
        assertEquals(0x3000 | RunnerProtocol.REC_PATCHED, c.getLong(0));
        assertEquals(9, c.getLong(8));
        assertEquals(0xC0DE, c.getLong(16));
        assertEquals(8, RunnerProtocol.readRecords(new long[] {0x1000}).recordBytes());
    }

    @Test
    void anUnalignedAddressShouldBeRefused() {
        RunnerProtocol.Records r = RunnerProtocol.readRecords(new long[] {0x1001});
        assertThrows(IllegalArgumentException.class, () -> r.put(ByteBuffer.allocate(8), 0));
    }

    @Test
    void aHelloShouldCarryMagicVersionAndPid() {
        ByteBuffer b = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, 1234).putLong(8, RunnerProtocol.MAGIC).putLong(16, RunnerProtocol.VERSION);
        RunnerProtocol.Response r = RunnerProtocol.Response.decode(b);
        assertTrue(r.isHello());
        assertEquals(1234, r.res());
        b.putLong(16, RunnerProtocol.VERSION + 1);
        assertFalse(RunnerProtocol.Response.decode(b).isHello());
        b.putLong(0, -22).putLong(8, 0);
        assertEquals(-22, RunnerProtocol.Response.decode(b).res());
    }

    @Test
    void theCSourceShouldHaveTheSameConstants() {
        String c = RunnerBinary.source();
        for (String[] kv : new String[][] {{"OP_HELLO = ", "1"}, {"OP_MMAP = ", "2"}, {"OP_MREMAP = ", "4"}, {"OP_PROCESS_MADVISE = ", "8"},
                {"OP_FORK = ", "10"}, {"OP_EXEC = ", "11"}, {"OP_WRITE = ", "13"}, {"OP_VERIFY = ", "16"}, {"OP_PING = ", "17"}}) {
            assertTrue(c.contains(kv[0] + kv[1]), kv[0] + kv[1]);
        }
        assertTrue(c.contains("#define MAGIC 0x4b534d52L"));
        assertTrue(c.contains("#define VERSION " + RunnerProtocol.VERSION));
        assertTrue(c.contains("#define REC_ZERO 1L") && c.contains("#define REC_PATCHED 2L"));
        assertTrue(c.contains("#define PATCH_WORD (0x" + Integer.toHexString(org.ksmlab.engine.scenario.ScenarioRun.PATCH_OFFSET) + " / 8)"));
    }
}
