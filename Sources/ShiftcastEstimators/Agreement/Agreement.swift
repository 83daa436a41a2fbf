/// The fraction of rows on which two prediction vectors agree.
func agreement(_ a: [Int], _ b: [Int]) -> Double {
    precondition(a.count == b.count && !a.isEmpty)
    var same = 0
    for i in a.indices where a[i] == b[i] { same += 1 }
    return Double(same) / Double(a.count)
}
