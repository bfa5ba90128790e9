using System.Runtime.InteropServices;

namespace Dify.Edge.Inference.Native;

/// <summary>
/// Base of every ONNX Runtime object handle. A handle pins what it depends on (the loaded library, and e.g. a
/// session its environment) with SafeHandle reference counts, so that however handles are disposed or finalised,
/// each native object is released exactly once and before what it depends on.
/// </summary>
internal abstract class OrtHandle : SafeHandle
{
    private readonly OrtNative native;
    private readonly SafeHandle? parent;

    protected OrtHandle(OrtNative native, SafeHandle? parent = null)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        this.native = native;
        this.parent = parent;
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected OrtApi Api => native.Api;

    /// <summary>Takes ownership of a pointer ONNX Runtime just returned (no-op for null).</summary>
    public void Attach(nint pointer)
    {
        if (pointer == 0)
        {
            return;
        }

        var libraryAdded = false;
        var parentAdded = false;
        try
        {
            native.Library.DangerousAddRef(ref libraryAdded);
            parent?.DangerousAddRef(ref parentAdded);
        }
        catch
        {
            // Dependencies already closed: release the new object now rather than leak it.
            Release(pointer);
            if (parentAdded) parent!.DangerousRelease();
            if (libraryAdded) native.Library.DangerousRelease();
            throw;
        }

        SetHandle(pointer);
        native.Ledger.Created();
    }

    protected abstract void Release(nint pointer);

    protected sealed override bool ReleaseHandle()
    {
        Release(handle);
        parent?.DangerousRelease();
        native.Library.DangerousRelease();
        native.Ledger.Released();
        return true;
    }
}

internal sealed unsafe class EnvHandle(OrtNative native) : OrtHandle(native)
{
    protected override void Release(nint pointer) => Api.ReleaseEnv(pointer);
}

internal sealed unsafe class SessionOptionsHandle(OrtNative native) : OrtHandle(native)
{
    protected override void Release(nint pointer) => Api.ReleaseSessionOptions(pointer);
}

internal sealed unsafe class SessionHandle(OrtNative native, EnvHandle env) : OrtHandle(native, env)
{
    protected override void Release(nint pointer) => Api.ReleaseSession(pointer);
}

internal sealed unsafe class ValueHandle(OrtNative native) : OrtHandle(native)
{
    protected override void Release(nint pointer) => Api.ReleaseValue(pointer);
}

internal sealed unsafe class TypeInfoHandle(OrtNative native) : OrtHandle(native)
{
    protected override void Release(nint pointer) => Api.ReleaseTypeInfo(pointer);
}

internal sealed unsafe class TensorTypeAndShapeHandle(OrtNative native) : OrtHandle(native)
{
    protected override void Release(nint pointer) => Api.ReleaseTensorTypeAndShapeInfo(pointer);
}

internal sealed unsafe class MemoryInfoHandle(OrtNative native) : OrtHandle(native)
{
    protected override void Release(nint pointer) => Api.ReleaseMemoryInfo(pointer);
}

internal sealed unsafe class CudaProviderOptionsHandle(OrtNative native) : OrtHandle(native)
{
    protected override void Release(nint pointer) => Api.ReleaseCudaProviderOptions(pointer);
}

/// <summary>The dlopen handle of libonnxruntime; unloaded once no ORT object handle holds it any more.</summary>
internal sealed class LibraryHandle : SafeHandle
{
    public LibraryHandle(nint library)
        : base(IntPtr.Zero, ownsHandle: true) => SetHandle(library);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        NativeLibrary.Free(handle);
        return true;
    }
}

/// <summary>Native memory block (NativeMemory.Alloc) owned by a SafeHandle.</summary>
internal sealed unsafe class NativeBuffer : SafeHandle
{
    public NativeBuffer(nuint bytes)
        : base(IntPtr.Zero, ownsHandle: true) => SetHandle((nint)NativeMemory.AllocZeroed(bytes));

    public override bool IsInvalid => handle == IntPtr.Zero;

    public byte* Pointer => (byte*)handle;

    protected override bool ReleaseHandle()
    {
        NativeMemory.Free((void*)handle);
        return true;
    }
}

/// <summary>Counts ORT objects created and released through one runtime (observability and leak tests).</summary>
internal sealed class HandleLedger
{
    private long created;
    private long released;

    public long Live => Interlocked.Read(ref created) - Interlocked.Read(ref released);

    public long TotalReleased => Interlocked.Read(ref released);

    public void Created() => Interlocked.Increment(ref created);

    public void Released() => Interlocked.Increment(ref released);
}

/// <summary>The loaded library with its API table and handle ledger: what every handle needs to release itself.</summary>
internal sealed class OrtNative(LibraryHandle library, OrtApi api)
{
    public LibraryHandle Library { get; } = library;

    public OrtApi Api { get; } = api;

    public HandleLedger Ledger { get; } = new();
}
