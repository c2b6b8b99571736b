package org.ksmlab.engine.ksm;

import org.ksmlab.engine.memory.OffHeapArray;

/**
 * An intrusive red-black tree over int node ids, with links in primitive arrays: the shape of
 * lib/rbtree.c as KSM uses it. The tree never compares anything itself: callers walk it with
 * {@link #root()}, {@link #left}, {@link #right} and their own comparison (page contents), then
 * {@link #link} a new node under the parent they reached, as the kernel's
 * {@code rb_link_node} + {@code rb_insert_color} do. Removal is by node id ({@link #erase}),
 * never by search, so a tree whose order was corrupted by pages changing under it (the
 * unstable tree) can still drop nodes, as in the kernel.
 *
 * <p>Algorithms: insertion and deletion fix-ups of Cormen et al., with parent pointers and
 * {@link #NIL} = -1 in place of a sentinel node.
 *
 * <h2>One record per node</h2>
 * As the kernel embeds its {@code rb_node} in the structure it orders (a stable_node, an
 * rmap_item), a node here is one record of 3 + {@code fields} ints off the Java heap
 * ({@link OffHeapArray}): left, right, parent-and-colour, then the owner's own {@code fields}
 * ({@link #field}), such as the item or page the node stands for. A walk reads a node's links
 * and what it compares by from one record, one cache line, where separate arrays would cost a
 * cache miss (and at a 1 TiB host's size a TLB miss) each per step. Records of 4 or 8 ints
 * never straddle a cache line. The colour shares an int with the parent link, as the kernel's
 * {@code __rb_parent_color} keeps it in the parent pointer's low bit: bit 31 the colour, bits
 * 0-30 the parent + 1 (0: none), so node ids stay below 2^31 - 1. Records are touched only for
 * ids in use; {@link #close} gives them back.
 */
public final class RbTree implements AutoCloseable {
    /** No node. */
    public static final int NIL = -1;
    private static final byte RED = 0;
    private static final byte BLACK = 1;
    private static final int LEFT = 0;
    private static final int RIGHT = 1;
    private static final int PARENT_COLOR = 2;
    private static final int LINK_INTS = 3;
    private static final int COLOR_BIT = 1 << 31;

    private final OffHeapArray records = OffHeapArray.ints();
    /** Ints per record: the three links and the owner's fields. */
    private final int recordInts;
    private long capacity;
    private int root = NIL;
    private int size;

    /** A tree whose nodes carry no field of their owner's (records of 4 ints, one spare). */
    public RbTree() {
        this(1);
    }

    /** A tree whose records carry {@code fields} ints of the owner's after the links. */
    public RbTree(int fields) {
        if (fields < 0) {
            throw new IllegalArgumentException("fields " + fields + " < 0");
        }
        this.recordInts = LINK_INTS + fields;
    }

    private long at(int n, int k) {
        return (long) n * recordInts + k;
    }

    private int leftOf(int n) { return records.getInt(at(n, LEFT)); }
    private int rightOf(int n) { return records.getInt(at(n, RIGHT)); }
    private void setLeft(int n, int v) { records.setInt(at(n, LEFT), v); }
    private void setRight(int n, int v) { records.setInt(at(n, RIGHT), v); }

    private int parentOf(int n) {
        return (records.getInt(at(n, PARENT_COLOR)) & ~COLOR_BIT) - 1;
    }

    private void setParent(int n, int p) {
        long i = at(n, PARENT_COLOR);
        records.setInt(i, (records.getInt(i) & COLOR_BIT) | (p + 1));
    }

    private byte color(int n) {
        return records.getInt(at(n, PARENT_COLOR)) < 0 ? BLACK : RED;
    }

    private void setColor(int n, byte c) {
        long i = at(n, PARENT_COLOR);
        int v = records.getInt(i);
        records.setInt(i, c == BLACK ? v | COLOR_BIT : v & ~COLOR_BIT);
    }

    /** Field {@code k} of node {@code n}'s record (0 until set; room made by {@link #ensure}). */
    public int field(int n, int k) {
        return records.getInt(at(n, LINK_INTS + k));
    }

    public void setField(int n, int k, int v) {
        records.setInt(at(n, LINK_INTS + k), v);
    }

    public int root() { return root; }
    public int left(int n) { return leftOf(n); }
    public int right(int n) { return rightOf(n); }
    public int size() { return size; }

    /** Forgets every node in O(1), like {@code root = RB_ROOT}: the unstable tree's reset. */
    public void clear() {
        root = NIL;
        size = 0;
    }

    /** Bytes per node record. */
    int bytesPerNode() {
        return recordInts * Integer.BYTES;
    }

    /** Makes room for node id {@code n}. */
    public void ensure(int n) {
        if (n >= capacity) {
            records.ensure((n + 1L) * recordInts);
            capacity = records.capacity() / recordInts;
        }
    }

    /** Bytes mapped for the records. */
    long reservedBytes() {
        return records.reservedBytes();
    }

    @Override
    public void close() {
        records.close();
        capacity = 0;
    }

    /**
     * Links {@code node} as the left (or right) child of {@code par} ({@link #NIL} for the
     * root of an empty tree) and rebalances.
     */
    public void link(int node, int par, boolean asLeft) {
        ensure(node);
        setLeft(node, NIL);
        setRight(node, NIL);
        setParent(node, par);
        setColor(node, RED);
        if (par == NIL) {
            root = node;
        } else if (asLeft) {
            setLeft(par, node);
        } else {
            setRight(par, node);
        }
        size++;
        insertFixup(node);
    }

    private void insertFixup(int z) {
        while (z != root && color(parentOf(z)) == RED) {
            int p = parentOf(z);
            int g = parentOf(p);
            if (p == leftOf(g)) {
                int u = rightOf(g);
                if (u != NIL && color(u) == RED) {
                    setColor(p, BLACK);
                    setColor(u, BLACK);
                    setColor(g, RED);
                    z = g;
                } else {
                    if (z == rightOf(p)) {
                        z = p;
                        rotateLeft(z);
                        p = parentOf(z);
                    }
                    setColor(p, BLACK);
                    setColor(g, RED);
                    rotateRight(g);
                }
            } else {
                int u = leftOf(g);
                if (u != NIL && color(u) == RED) {
                    setColor(p, BLACK);
                    setColor(u, BLACK);
                    setColor(g, RED);
                    z = g;
                } else {
                    if (z == leftOf(p)) {
                        z = p;
                        rotateRight(z);
                        p = parentOf(z);
                    }
                    setColor(p, BLACK);
                    setColor(g, RED);
                    rotateLeft(g);
                }
            }
        }
        setColor(root, BLACK);
    }

    private void rotateLeft(int x) {
        int y = rightOf(x);
        setRight(x, leftOf(y));
        if (leftOf(y) != NIL) setParent(leftOf(y), x);
        setParent(y, parentOf(x));
        if (parentOf(x) == NIL) root = y;
        else if (x == leftOf(parentOf(x))) setLeft(parentOf(x), y);
        else setRight(parentOf(x), y);
        setLeft(y, x);
        setParent(x, y);
    }

    private void rotateRight(int x) {
        int y = leftOf(x);
        setLeft(x, rightOf(y));
        if (rightOf(y) != NIL) setParent(rightOf(y), x);
        setParent(y, parentOf(x));
        if (parentOf(x) == NIL) root = y;
        else if (x == rightOf(parentOf(x))) setRight(parentOf(x), y);
        else setLeft(parentOf(x), y);
        setRight(y, x);
        setParent(x, y);
    }

    /** Puts {@code v} where {@code u} was (u's subtree links are not touched). */
    private void transplant(int u, int v) {
        int pu = parentOf(u);
        if (pu == NIL) root = v;
        else if (u == leftOf(pu)) setLeft(pu, v);
        else setRight(pu, v);
        if (v != NIL) setParent(v, pu);
    }

    /** Removes {@code z} (which must be in the tree) and rebalances. @see "lib/rbtree.c: rb_erase" */
    public void erase(int z) {
        int y = z;
        byte yColor = color(y);
        int x;
        int xParent;
        if (leftOf(z) == NIL) {
            x = rightOf(z);
            xParent = parentOf(z);
            transplant(z, rightOf(z));
        } else if (rightOf(z) == NIL) {
            x = leftOf(z);
            xParent = parentOf(z);
            transplant(z, leftOf(z));
        } else {
            y = rightOf(z);
            while (leftOf(y) != NIL) y = leftOf(y);
            yColor = color(y);
            x = rightOf(y);
            if (parentOf(y) == z) {
                xParent = y;
            } else {
                xParent = parentOf(y);
                transplant(y, rightOf(y));
                setRight(y, rightOf(z));
                setParent(rightOf(y), y);
            }
            transplant(z, y);
            setLeft(y, leftOf(z));
            setParent(leftOf(y), y);
            setColor(y, color(z));
        }
        size--;
        if (yColor == BLACK) {
            eraseFixup(x, xParent);
        }
    }

    private byte colorOf(int n) {
        return n == NIL ? BLACK : color(n);
    }

    private void eraseFixup(int x, int xParent) {
        while (x != root && colorOf(x) == BLACK) {
            if (x == leftOf(xParent)) {
                int w = rightOf(xParent);
                if (colorOf(w) == RED) {
                    setColor(w, BLACK);
                    setColor(xParent, RED);
                    rotateLeft(xParent);
                    w = rightOf(xParent);
                }
                if (colorOf(leftOf(w)) == BLACK && colorOf(rightOf(w)) == BLACK) {
                    setColor(w, RED);
                    x = xParent;
                    xParent = parentOf(x);
                } else {
                    if (colorOf(rightOf(w)) == BLACK) {
                        setColor(leftOf(w), BLACK);
                        setColor(w, RED);
                        rotateRight(w);
                        w = rightOf(xParent);
                    }
                    setColor(w, color(xParent));
                    setColor(xParent, BLACK);
                    if (rightOf(w) != NIL) setColor(rightOf(w), BLACK);
                    rotateLeft(xParent);
                    x = root;
                    xParent = NIL;
                }
            } else {
                int w = leftOf(xParent);
                if (colorOf(w) == RED) {
                    setColor(w, BLACK);
                    setColor(xParent, RED);
                    rotateRight(xParent);
                    w = leftOf(xParent);
                }
                if (colorOf(rightOf(w)) == BLACK && colorOf(leftOf(w)) == BLACK) {
                    setColor(w, RED);
                    x = xParent;
                    xParent = parentOf(x);
                } else {
                    if (colorOf(leftOf(w)) == BLACK) {
                        setColor(rightOf(w), BLACK);
                        setColor(w, RED);
                        rotateLeft(w);
                        w = leftOf(xParent);
                    }
                    setColor(w, color(xParent));
                    setColor(xParent, BLACK);
                    if (leftOf(w) != NIL) setColor(leftOf(w), BLACK);
                    rotateRight(xParent);
                    x = root;
                    xParent = NIL;
                }
            }
        }
        if (x != NIL) setColor(x, BLACK);
    }

    /** Puts {@code victim}'s replacement {@code repl} in its exact place (rb_replace_node). */
    void replace(int victim, int repl) {
        ensure(repl);
        int p = parentOf(victim);
        if (p == NIL) root = repl;
        else if (leftOf(p) == victim) setLeft(p, repl);
        else setRight(p, repl);
        if (leftOf(victim) != NIL) setParent(leftOf(victim), repl);
        if (rightOf(victim) != NIL) setParent(rightOf(victim), repl);
        setLeft(repl, leftOf(victim));
        setRight(repl, rightOf(victim));
        setParent(repl, p);
        setColor(repl, color(victim));
    }

    /** Black height if the tree is a valid red-black tree, else throws (tests). */
    public int checkValid() {
        if (root != NIL && color(root) != BLACK) throw new IllegalStateException("red root");
        return check(root, NIL);
    }

    private int check(int n, int par) {
        if (n == NIL) return 1;
        if (parentOf(n) != par) throw new IllegalStateException("bad parent of " + n);
        if (color(n) == RED && (colorOf(leftOf(n)) == RED || colorOf(rightOf(n)) == RED)) {
            throw new IllegalStateException("red node " + n + " with a red child");
        }
        int l = check(leftOf(n), n);
        int r = check(rightOf(n), n);
        if (l != r) throw new IllegalStateException("black heights differ at " + n);
        return l + (color(n) == BLACK ? 1 : 0);
    }
}
