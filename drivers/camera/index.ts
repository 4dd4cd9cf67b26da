// Public face of the camera driver: the Camera interface, the fswebcam implementation, the fake
// twin, and QR decoding of images in a worker thread.
export type { Camera, CameraEvents, CameraHealth, CapturedImage, CameraErrorCode, FswebcamCameraOptions, ProcessRunner, ProcessResult } from './capture.js';
export { CameraError, CaptureQueue, FswebcamCamera, fswebcamArguments, runProcess } from './capture.js';
export { FakeCamera, type FakeCameraOptions } from './fake.js';
export { QrImageDecoder, QrDecoderError, type QrDecodeResult, type QrDecoderErrorCode, type QrImageDecoderOptions } from './decode.js';
export { ImageError, MAX_PIXELS, decodeImage, imageFormatOf, imageSizeOf, type ImageErrorCode, type ImageFormat, type RgbaImage } from './image.js';
export { KIOSK_QR_PASSES, loadZxingCpp, readQr, type QrPass, type QrRead } from './qr-read.js';
