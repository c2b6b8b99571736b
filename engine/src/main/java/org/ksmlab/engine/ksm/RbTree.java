package org.ksmlab.engine.ksm;

import java.util.Arrays;

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
 */
public final class RbTree {
    /** No node. */
    public static final int NIL = -1;
    private static final byte RED = 0;
    private static final byte BLACK = 1;

    // Package-visible so that RmapItems can reuse a node's link slots while the node is not in
    // this tree (the kernel's union of rb_node with the stable-tree hlist in struct rmap_item).
    int[] left = new int[0];
    int[] right = new int[0];
    int[] parent = new int[0];
    byte[] color = new byte[0];
    private int root = NIL;
    private int size;

    public int root() { return root; }
    public int left(int n) { return left[n]; }
    public int right(int n) { return right[n]; }
    public int size() { return size; }

    /** Forgets every node in O(1), like {@code root = RB_ROOT}: the unstable tree's reset. */
    public void clear() {
        root = NIL;
        size = 0;
    }

    /** Bytes of link arrays per node slot (3 ints + 1 byte). */
    static int bytesPerNode() {
        return 3 * Integer.BYTES + 1;
    }

    /** Makes room for node id {@code n}. */
    public void ensure(int n) {
        if (n >= left.length) {
            int cap = Math.max(n + 1, Math.max(16, left.length * 2));
            left = Arrays.copyOf(left, cap);
            right = Arrays.copyOf(right, cap);
            parent = Arrays.copyOf(parent, cap);
            color = Arrays.copyOf(color, cap);
        }
    }

    /**
     * Links {@code node} as the left (or right) child of {@code par} ({@link #NIL} for the
     * root of an empty tree) and rebalances.
     */
    public void link(int node, int par, boolean asLeft) {
        ensure(node);
        left[node] = NIL;
        right[node] = NIL;
        parent[node] = par;
        color[node] = RED;
        if (par == NIL) {
            root = node;
        } else if (asLeft) {
            left[par] = node;
        } else {
            right[par] = node;
        }
        size++;
        insertFixup(node);
    }

    private void insertFixup(int z) {
        while (z != root && color[parent[z]] == RED) {
            int p = parent[z];
            int g = parent[p];
            if (p == left[g]) {
                int u = right[g];
                if (u != NIL && color[u] == RED) {
                    color[p] = BLACK;
                    color[u] = BLACK;
                    color[g] = RED;
                    z = g;
                } else {
                    if (z == right[p]) {
                        z = p;
                        rotateLeft(z);
                        p = parent[z];
                    }
                    color[p] = BLACK;
                    color[g] = RED;
                    rotateRight(g);
                }
            } else {
                int u = left[g];
                if (u != NIL && color[u] == RED) {
                    color[p] = BLACK;
                    color[u] = BLACK;
                    color[g] = RED;
                    z = g;
                } else {
                    if (z == left[p]) {
                        z = p;
                        rotateRight(z);
                        p = parent[z];
                    }
                    color[p] = BLACK;
                    color[g] = RED;
                    rotateLeft(g);
                }
            }
        }
        color[root] = BLACK;
    }

    private void rotateLeft(int x) {
        int y = right[x];
        right[x] = left[y];
        if (left[y] != NIL) parent[left[y]] = x;
        parent[y] = parent[x];
        if (parent[x] == NIL) root = y;
        else if (x == left[parent[x]]) left[parent[x]] = y;
        else right[parent[x]] = y;
        left[y] = x;
        parent[x] = y;
    }

    private void rotateRight(int x) {
        int y = left[x];
        left[x] = right[y];
        if (right[y] != NIL) parent[right[y]] = x;
        parent[y] = parent[x];
        if (parent[x] == NIL) root = y;
        else if (x == right[parent[x]]) right[parent[x]] = y;
        else left[parent[x]] = y;
        right[y] = x;
        parent[x] = y;
    }

    /** Puts {@code v} where {@code u} was (u's subtree links are not touched). */
    private void transplant(int u, int v) {
        int pu = parent[u];
        if (pu == NIL) root = v;
        else if (u == left[pu]) left[pu] = v;
        else right[pu] = v;
        if (v != NIL) parent[v] = pu;
    }

    /** Removes {@code z} (which must be in the tree) and rebalances. @see "lib/rbtree.c: rb_erase" */
    public void erase(int z) {
        int y = z;
        byte yColor = color[y];
        int x;
        int xParent;
        if (left[z] == NIL) {
            x = right[z];
            xParent = parent[z];
            transplant(z, right[z]);
        } else if (right[z] == NIL) {
            x = left[z];
            xParent = parent[z];
            transplant(z, left[z]);
        } else {
            y = right[z];
            while (left[y] != NIL) y = left[y];
            yColor = color[y];
            x = right[y];
            if (parent[y] == z) {
                xParent = y;
            } else {
                xParent = parent[y];
                transplant(y, right[y]);
                right[y] = right[z];
                parent[right[y]] = y;
            }
            transplant(z, y);
            left[y] = left[z];
            parent[left[y]] = y;
            color[y] = color[z];
        }
        size--;
        if (yColor == BLACK) {
            eraseFixup(x, xParent);
        }
    }

    private byte colorOf(int n) {
        return n == NIL ? BLACK : color[n];
    }

    private void eraseFixup(int x, int xParent) {
        while (x != root && colorOf(x) == BLACK) {
            if (x == left[xParent]) {
                int w = right[xParent];
                if (colorOf(w) == RED) {
                    color[w] = BLACK;
                    color[xParent] = RED;
                    rotateLeft(xParent);
                    w = right[xParent];
                }
                if (colorOf(left[w]) == BLACK && colorOf(right[w]) == BLACK) {
                    color[w] = RED;
                    x = xParent;
                    xParent = parent[x];
                } else {
                    if (colorOf(right[w]) == BLACK) {
                        color[left[w]] = BLACK;
                        color[w] = RED;
                        rotateRight(w);
                        w = right[xParent];
                    }
                    color[w] = color[xParent];
                    color[xParent] = BLACK;
                    if (right[w] != NIL) color[right[w]] = BLACK;
                    rotateLeft(xParent);
                    x = root;
                    xParent = NIL;
                }
            } else {
                int w = left[xParent];
                if (colorOf(w) == RED) {
                    color[w] = BLACK;
                    color[xParent] = RED;
                    rotateRight(xParent);
                    w = left[xParent];
                }
                if (colorOf(right[w]) == BLACK && colorOf(left[w]) == BLACK) {
                    color[w] = RED;
                    x = xParent;
                    xParent = parent[x];
                } else {
                    if (colorOf(left[w]) == BLACK) {
                        color[right[w]] = BLACK;
                        color[w] = RED;
                        rotateLeft(w);
                        w = left[xParent];
                    }
                    color[w] = color[xParent];
                    color[xParent] = BLACK;
                    if (left[w] != NIL) color[left[w]] = BLACK;
                    rotateRight(xParent);
                    x = root;
                    xParent = NIL;
                }
            }
        }
        if (x != NIL) color[x] = BLACK;
    }

    /** Puts {@code victim}'s replacement {@code repl} in its exact place (rb_replace_node). */
    void replace(int victim, int repl) {
        ensure(repl);
        int p = parent[victim];
        if (p == NIL) root = repl;
        else if (left[p] == victim) left[p] = repl;
        else right[p] = repl;
        if (left[victim] != NIL) parent[left[victim]] = repl;
        if (right[victim] != NIL) parent[right[victim]] = repl;
        left[repl] = left[victim];
        right[repl] = right[victim];
        parent[repl] = p;
        color[repl] = color[victim];
    }

    /** Black height if the tree is a valid red-black tree, else throws (tests). */
    public int checkValid() {
        if (root != NIL && color[root] != BLACK) throw new IllegalStateException("red root");
        return check(root, NIL);
    }

    private int check(int n, int par) {
        if (n == NIL) return 1;
        if (parent[n] != par) throw new IllegalStateException("bad parent of " + n);
        if (color[n] == RED && (colorOf(left[n]) == RED || colorOf(right[n]) == RED)) {
            throw new IllegalStateException("red node " + n + " with a red child");
        }
        int l = check(left[n], n);
        int r = check(right[n], n);
        if (l != r) throw new IllegalStateException("black heights differ at " + n);
        return l + (color[n] == BLACK ? 1 : 0);
    }
}
