// The speech preset's (or the image default's) training step with the codes searched inside the graph against fed from
// outside it, in one process: two trainers of the same model, their steps alternated on the same random batch, so that
// the shared machine's drift hits both alike. Prints the median step of each and their ratio. Run through
// scripts/profile.sh; not part of the build.
//   SearchAB speech ROUNDS
//   SearchAB image K ROUNDS          (ema)
import io.vqtok.autoencoders.*;
import io.vqtok.quantizers.*;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

public class SearchAB {
    static TokenizerTrainer trainer(boolean graphSearch, boolean image, int k) {
        System.setProperty(TokenizerTrainer.GRAPH_SEARCH_PROPERTY, Boolean.toString(graphSearch));
        Tokenizer t = image
                ? ImageTokenizer.create(new TokenizerConfig(ImageAutoencoderConfig.fashionMnist(64), Presets.single("ema", k, 64)), 1)
                : AudioTokenizer.create(new TokenizerConfig(AudioAutoencoderConfig.speechCodec16k(64), Presets.speechResidual(64)), 1);
        TokenizerTrainer tr = new TokenizerTrainer(t, image ? TrainConfig.images(1) : TrainConfig.speechCodec(1));
        System.clearProperty(TokenizerTrainer.GRAPH_SEARCH_PROPERTY);
        if (GraphOps.graphSearches(tr.graph()).isEmpty() == graphSearch) throw new IllegalStateException("graph search not as asked");
        return tr;
    }

    public static void main(String[] a) {
        boolean image = a[0].equals("image");
        int k = image ? Integer.parseInt(a[1]) : 0;
        int rounds = Integer.parseInt(image ? a[2] : a[1]);
        Nd4j.getRandom().setSeed(1);
        INDArray x = image ? Nd4j.rand(DataType.FLOAT, 128, 1, 28, 28) : Nd4j.rand(DataType.FLOAT, 16, 1, 1, 8000).subi(0.5).muli(0.2);
        TokenizerTrainer fed = trainer(false, image, k), searched = trainer(true, image, k);
        fed.initialize(x);
        searched.initialize(x);
        for (int i = 0; i < 3; i++) {
            fed.step(x);
            searched.step(x);
        }
        double[] tf = new double[rounds], ts = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            boolean fedFirst = i % 2 == 0;
            for (int j = 0; j < 2; j++) {
                TokenizerTrainer tr = (j == 0) == fedFirst ? fed : searched;
                long t0 = System.nanoTime();
                tr.step(x);
                double ms = (System.nanoTime() - t0) / 1e6;
                if (tr == fed) tf[i] = ms; else ts[i] = ms;
            }
        }
        Arrays.sort(tf);
        Arrays.sort(ts);
        double mf = tf[rounds / 2], ms = ts[rounds / 2];
        System.out.printf("%s, %d rounds: fed (encoder run twice) median %.1f ms, searched in the graph median %.1f ms, ratio %.3f%n",
                image ? "K=" + k + " ema" : "speech preset", rounds, mf, ms, ms / mf);
    }
}
