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
 * {@link #NIL} = -1 in place of a sentinel node. Links live off the Java heap
 * ({@link OffHeapArray}: 12 bytes per node id, touched only for ids in use); {@link #close}
 * gives them back. A node's colour shares an int with its parent link, as the kernel's
 * {@code __rb_parent_color} keeps it in the parent pointer's low bit: bit 31 the colour, bits
 * 0-30 the parent + 1 (0: none), so node ids stay below 2^31 - 1.
 */
public final class RbTree implements AutoCloseable {
    /** No node. */
    public static final int NIL = -1;
    private static final byte RED = 0;
    private static final byte BLACK = 1;

    private final Links left = new Links();
    private final Links right = new Links();
    private final ParentColor parent = new ParentColor();
    private long capacity;
    private int root = NIL;
    private int size;

    /** Each node's parent and colour in one int (see the class comment). */
    private static final class ParentColor {
        private static final int COLOR_BIT = 1 << 31;
        final OffHeapArray a = OffHeapArray.ints();

        int get(int n) {
            return (a.getInt(n) & ~COLOR_BIT) - 1;
        }

        void set(int n, int p) {
            a.setInt(n, (a.getInt(n) & COLOR_BIT) | (p + 1));
        }

        byte color(int n) {
            return a.getInt(n) < 0 ? BLACK : RED;
        }

        void setColor(int n, byte c) {
            int v = a.getInt(n);
            a.setInt(n, c == BLACK ? v | COLOR_BIT : v & ~COLOR_BIT);
        }
    }

    /** One link per node id, off the heap, read and written as {@code links[n]} would be. */
    private static final class Links {
        final OffHeapArray a = OffHeapArray.ints();

        int get(int n) {
            return a.getInt(n);
        }

        void set(int n, int v) {
            a.setInt(n, v);
        }
    }

    public int root() { return root; }
    public int left(int n) { return left.get(n); }
    public int right(int n) { return right.get(n); }
    public int size() { return size; }

    /** Forgets every node in O(1), like {@code root = RB_ROOT}: the unstable tree's reset. */
    public void clear() {
        root = NIL;
        size = 0;
    }

    /** Bytes of link arrays per node slot (3 ints: left, right, parent and colour). */
    static int bytesPerNode() {
        return 3 * Integer.BYTES;
    }

    /** Makes room for node id {@code n}. */
    public void ensure(int n) {
        if (n >= capacity) {
            left.a.ensure(n + 1L);
            right.a.ensure(n + 1L);
            parent.a.ensure(n + 1L);
            capacity = left.a.capacity();
        }
    }

    /** Bytes mapped for the links. */
    long reservedBytes() {
        return left.a.reservedBytes() + right.a.reservedBytes() + parent.a.reservedBytes();
    }

    @Override
    public void close() {
        left.a.close();
        right.a.close();
        parent.a.close();
        capacity = 0;
    }

    private byte color(int n) {
        return parent.color(n);
    }

    private void setColor(int n, byte c) {
        parent.setColor(n, c);
    }

    /**
     * Links {@code node} as the left (or right) child of {@code par} ({@link #NIL} for the
     * root of an empty tree) and rebalances.
     */
    public void link(int node, int par, boolean asLeft) {
        ensure(node);
        left.set(node, NIL);
        right.set(node, NIL);
        parent.set(node, par);
        setColor(node, RED);
        if (par == NIL) {
            root = node;
        } else if (asLeft) {
            left.set(par, node);
        } else {
            right.set(par, node);
        }
        size++;
        insertFixup(node);
    }

    private void insertFixup(int z) {
        while (z != root && color(parent.get(z)) == RED) {
            int p = parent.get(z);
            int g = parent.get(p);
            if (p == left.get(g)) {
                int u = right.get(g);
                if (u != NIL && color(u) == RED) {
                    setColor(p, BLACK);
                    setColor(u, BLACK);
                    setColor(g, RED);
                    z = g;
                } else {
                    if (z == right.get(p)) {
                        z = p;
                        rotateLeft(z);
                        p = parent.get(z);
                    }
                    setColor(p, BLACK);
                    setColor(g, RED);
                    rotateRight(g);
                }
            } else {
                int u = left.get(g);
                if (u != NIL && color(u) == RED) {
                    setColor(p, BLACK);
                    setColor(u, BLACK);
                    setColor(g, RED);
                    z = g;
                } else {
                    if (z == left.get(p)) {
                        z = p;
                        rotateRight(z);
                        p = parent.get(z);
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
        int y = right.get(x);
        right.set(x, left.get(y));
        if (left.get(y) != NIL) parent.set(left.get(y), x);
        parent.set(y, parent.get(x));
        if (parent.get(x) == NIL) root = y;
        else if (x == left.get(parent.get(x))) left.set(parent.get(x), y);
        else right.set(parent.get(x), y);
        left.set(y, x);
        parent.set(x, y);
    }

    private void rotateRight(int x) {
        int y = left.get(x);
        left.set(x, right.get(y));
        if (right.get(y) != NIL) parent.set(right.get(y), x);
        parent.set(y, parent.get(x));
        if (parent.get(x) == NIL) root = y;
        else if (x == right.get(parent.get(x))) right.set(parent.get(x), y);
        else left.set(parent.get(x), y);
        right.set(y, x);
        parent.set(x, y);
    }

    /** Puts {@code v} where {@code u} was (u's subtree links are not touched). */
    private void transplant(int u, int v) {
        int pu = parent.get(u);
        if (pu == NIL) root = v;
        else if (u == left.get(pu)) left.set(pu, v);
        else right.set(pu, v);
        if (v != NIL) parent.set(v, pu);
    }

    /** Removes {@code z} (which must be in the tree) and rebalances. @see "lib/rbtree.c: rb_erase" */
    public void erase(int z) {
        int y = z;
        byte yColor = color(y);
        int x;
        int xParent;
        if (left.get(z) == NIL) {
            x = right.get(z);
            xParent = parent.get(z);
            transplant(z, right.get(z));
        } else if (right.get(z) == NIL) {
            x = left.get(z);
            xParent = parent.get(z);
            transplant(z, left.get(z));
        } else {
            y = right.get(z);
            while (left.get(y) != NIL) y = left.get(y);
            yColor = color(y);
            x = right.get(y);
            if (parent.get(y) == z) {
                xParent = y;
            } else {
                xParent = parent.get(y);
                transplant(y, right.get(y));
                right.set(y, right.get(z));
                parent.set(right.get(y), y);
            }
            transplant(z, y);
            left.set(y, left.get(z));
            parent.set(left.get(y), y);
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
            if (x == left.get(xParent)) {
                int w = right.get(xParent);
                if (colorOf(w) == RED) {
                    setColor(w, BLACK);
                    setColor(xParent, RED);
                    rotateLeft(xParent);
                    w = right.get(xParent);
                }
                if (colorOf(left.get(w)) == BLACK && colorOf(right.get(w)) == BLACK) {
                    setColor(w, RED);
                    x = xParent;
                    xParent = parent.get(x);
                } else {
                    if (colorOf(right.get(w)) == BLACK) {
                        setColor(left.get(w), BLACK);
                        setColor(w, RED);
                        rotateRight(w);
                        w = right.get(xParent);
                    }
                    setColor(w, color(xParent));
                    setColor(xParent, BLACK);
                    if (right.get(w) != NIL) setColor(right.get(w), BLACK);
                    rotateLeft(xParent);
                    x = root;
                    xParent = NIL;
                }
            } else {
                int w = left.get(xParent);
                if (colorOf(w) == RED) {
                    setColor(w, BLACK);
                    setColor(xParent, RED);
                    rotateRight(xParent);
                    w = left.get(xParent);
                }
                if (colorOf(right.get(w)) == BLACK && colorOf(left.get(w)) == BLACK) {
                    setColor(w, RED);
                    x = xParent;
                    xParent = parent.get(x);
                } else {
                    if (colorOf(left.get(w)) == BLACK) {
                        setColor(right.get(w), BLACK);
                        setColor(w, RED);
                        rotateLeft(w);
                        w = left.get(xParent);
                    }
                    setColor(w, color(xParent));
                    setColor(xParent, BLACK);
                    if (left.get(w) != NIL) setColor(left.get(w), BLACK);
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
        int p = parent.get(victim);
        if (p == NIL) root = repl;
        else if (left.get(p) == victim) left.set(p, repl);
        else right.set(p, repl);
        if (left.get(victim) != NIL) parent.set(left.get(victim), repl);
        if (right.get(victim) != NIL) parent.set(right.get(victim), repl);
        left.set(repl, left.get(victim));
        right.set(repl, right.get(victim));
        parent.set(repl, p);
        setColor(repl, color(victim));
    }

    /** Black height if the tree is a valid red-black tree, else throws (tests). */
    public int checkValid() {
        if (root != NIL && color(root) != BLACK) throw new IllegalStateException("red root");
        return check(root, NIL);
    }

    private int check(int n, int par) {
        if (n == NIL) return 1;
        if (parent.get(n) != par) throw new IllegalStateException("bad parent of " + n);
        if (color(n) == RED && (colorOf(left.get(n)) == RED || colorOf(right.get(n)) == RED)) {
            throw new IllegalStateException("red node " + n + " with a red child");
        }
        int l = check(left.get(n), n);
        int r = check(right.get(n), n);
        if (l != r) throw new IllegalStateException("black heights differ at " + n);
        return l + (color(n) == BLACK ? 1 : 0);
    }
}
