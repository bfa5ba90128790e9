namespace Dify.Knowledge.Index.Keywords;

/// <summary>
/// Picks the best <c>n</c> allowed hits, best first (higher score, then smaller id), without sorting every
/// candidate: it orders only the best few, asks <c>allowed</c> about them in order, and orders a four times larger
/// slice of the rest whenever filters turned too many of them away.
/// </summary>
internal static class KeywordTopHits
{
    public static List<KeywordHit> Select(Span<KeywordHit> candidates, Func<long, bool> allowed, int n)
    {
        var result = new List<KeywordHit>(Math.Min(n, candidates.Length));
        var ordered = 0;
        var window = (int)Math.Min(int.MaxValue, Math.Max(n + (long)n / 2, 16));
        while (result.Count < n && ordered < candidates.Length)
        {
            var rest = candidates[ordered..];
            var take = Math.Min(window, rest.Length);
            OrderBest(rest, take);
            foreach (var hit in rest[..take])
            {
                if (!allowed(hit.Id)) continue;
                result.Add(hit);
                if (result.Count == n) break;
            }
            ordered += take;
            window = (int)Math.Min(int.MaxValue, window * 4L);
        }
        return result;
    }

    /// <summary>Moves the best <paramref name="take"/> of <paramref name="items"/> to its front, best first.</summary>
    private static void OrderBest(Span<KeywordHit> items, int take)
    {
        if (take * 4 >= items.Length)
        {
            items.Sort(default(BestFirst));
            return;
        }
        // Min-heap of the best `take` seen so far, the worst of them at the root.
        var heap = items[..take];
        for (var i = take / 2 - 1; i >= 0; i--) SiftDown(heap, i);
        for (var i = take; i < items.Length; i++)
        {
            if (!Better(items[i], heap[0])) continue;
            (items[i], heap[0]) = (heap[0], items[i]);
            SiftDown(heap, 0);
        }
        heap.Sort(default(BestFirst));
    }

    private static void SiftDown(Span<KeywordHit> heap, int i)
    {
        while (true)
        {
            var worst = i;
            var left = 2 * i + 1;
            var right = left + 1;
            if (left < heap.Length && Better(heap[worst], heap[left])) worst = left;
            if (right < heap.Length && Better(heap[worst], heap[right])) worst = right;
            if (worst == i) return;
            (heap[i], heap[worst]) = (heap[worst], heap[i]);
            i = worst;
        }
    }

    private static bool Better(in KeywordHit a, in KeywordHit b) => a.Score > b.Score || (a.Score == b.Score && a.Id < b.Id);

    private readonly struct BestFirst : IComparer<KeywordHit>
    {
        public int Compare(KeywordHit a, KeywordHit b) => Better(a, b) ? -1 : Better(b, a) ? 1 : 0;
    }
}
